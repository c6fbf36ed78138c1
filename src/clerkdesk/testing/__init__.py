"""Support for tests, benchmarks and the demo: never imported by the product itself.

The import contract in ``pyproject.toml`` forbids every product layer (application, adapters, core) from
importing this package; only ``tests/``, ``bench/``, the sandbox and the demo may.
"""
