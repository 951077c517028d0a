"""The words the search load sends (bench/locustfile.py) and warms (bench/suites/load.py)."""

WORDS = ["engineer", "manager", "design", "sales", "data", "marketing", "finance", "teacher"]
