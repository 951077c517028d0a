from bench.suites import counts, graph, pages, seed

__all__ = ["counts", "graph", "pages", "seed"]
