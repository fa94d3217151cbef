"""Helpers shared by the tests and the benchmark (not part of the installed package)."""
