"""Benchmark harness: every figure is a ratio against a raw baseline measured in the same run, on the same data.

Run with ``python -m benchmarks`` (full: 100,000 cards, 1,000,000 reviews) or ``python -m benchmarks --quick``.
"""
