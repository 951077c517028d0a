from bench.suites import counts, graph, pages, search, seed

__all__ = ["counts", "graph", "pages", "search", "seed"]
