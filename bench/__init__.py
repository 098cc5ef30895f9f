"""Benchmarks of the course (run with `python -m bench` or `make bench`)."""
