"""Run the benchmarks against a fresh database seeded with demo data.

python -m bench --members 100000            # the default size, a few minutes
python -m bench --members 1000000 --suites seed,pages
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ["seed", "pages", "graph", "counts", "search", "discovery", "load"]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="linkup_bench", help="dropped and created afresh")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--suites", default=",".join(SUITES))
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkup.settings.bench")
    suites = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = set(suites) - set(SUITES)
    if unknown:
        parser.error(f"unknown suites: {', '.join(sorted(unknown))} (known: {', '.join(SUITES)})")

    manage = [sys.executable, str(ROOT / "manage.py")]
    print(f"# LinkUp benchmarks: {args.members:,} members, database {args.database}", flush=True)
    if not args.reuse:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", args.database],
            check=True,
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
        subprocess.run([*manage, "migrate", "-v", "0"], check=True)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "seed_demo", "--members", str(args.members), "--seed", str(args.seed)],
            check=True,
        )
        seed_seconds = time.perf_counter() - started
    else:
        seed_seconds = float("nan")

    import django

    django.setup()
    from bench import suites as suite_modules
    from bench.suites import discovery as _discovery  # noqa: F401 (registers the suite)
    from bench.suites import load as _load  # noqa: F401 (registers the suite)

    results: list[str] = []
    for name in suites:
        module = getattr(suite_modules, name)
        results.extend(
            module.run(members=args.members, samples=args.samples, seed_seconds=seed_seconds)
        )
    print("\n## Results\n")
    print("\n".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
