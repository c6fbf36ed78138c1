"""Helpers shared by several test directories and the benchmarks: sandbox clerks, case data, a local site.

Importable as ``tests.support.…`` because pytest's ``pythonpath = ["."]`` (pyproject) puts the repository root
on the path; ``bench/`` scripts put the root there themselves. Directory-local helpers (``ui_helpers``,
``checkdigits`` …) stay beside their tests.
"""
