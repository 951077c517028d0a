"""`make bench`: LinkUp's benchmarks, run by hand (never in CI).

Each suite measures LinkUp beside a baseline in the same run and prints
medians, p95 and ratios. Record figures and the command in docs/benchmarks.md.
"""
