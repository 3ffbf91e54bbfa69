"""The grading layer: catalogue, loading, benchmarks, scorecard, results, and the pytest plugin.

Only `plugin.py` imports pytest; every other module is plain Python, unit-tested on plain data.
"""
