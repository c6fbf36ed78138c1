"""The test suite as a package, so shared helpers import as ``tests.support.…`` (no ``sys.path`` edits).

Test directories stay plain folders (pytest imports their modules by basename, so basenames are unique across
``tests/``); only helpers used by more than one directory, or by ``bench/``, live in :mod:`tests.support`.
"""
