"""Support for tests, benchmarks and the demo: never imported by the product itself.

* ``fake`` — synthetic people and companies (valid check characters, real GB/T 2260 regions, from ``records/``);
* ``render`` / ``degrade`` / ``synth`` — SPECIMEN card and licence images, photograph-like damage, and the
  ``python -m clerkdesk.testing.synth`` generator with ground truth;
* ``xvfb`` — a private X display for the desktop tests and benchmarks;
* ``postgres`` — a private PostgreSQL server for the store tests.

The import contract in ``pyproject.toml`` forbids every product layer (application, adapters, core) from
importing this package; only ``tests/``, ``bench/``, ``scripts/``, the sandbox and the demo may. The product's
own simulated card reader carries frozen specimen cards (``clerkdesk.capture.specimen``) instead.
"""
