import statistics
import time
from collections.abc import Callable


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def summary(name: str, seconds: list[float], baseline: list[float] | None = None) -> str:
    ms = [s * 1000 for s in seconds]
    line = f"| {name} | {len(ms)} | {statistics.median(ms):.2f} ms | {percentile(ms, 95):.2f} ms |"
    if baseline:
        base_ms = [s * 1000 for s in baseline]
        ratio = statistics.median(base_ms) / statistics.median(ms)
        words = f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× the cost"
        line += f" {statistics.median(base_ms):.2f} ms | {words} |"
    else:
        line += " | |"
    return line


TABLE_HEAD = [
    "| measurement | samples | median | p95 | baseline median | against the baseline |",
    "|---|---|---|---|---|---|",
]
