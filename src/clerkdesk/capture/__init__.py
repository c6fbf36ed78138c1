"""Capture a record from documents and card readers.

* ``documents.read_document(image, kind)`` — ID card front/back or business licence image → fields
  with confidence and source box, plus problems (``model.CaptureResult``).
* ``readers`` — the ``CardReader`` Protocol (二代证 SDK shape), the ``clerkdesk.card_readers``
  plugin registry and ``SimulatedReader`` (its specimen cards: ``specimen``).
* ``commands.capture`` — the ``clerkdesk capture`` click command.

Synthetic documents for tests and the benchmark are ``clerkdesk.testing.synth`` (never imported here).

Submodules are imported on use, so ``import clerkdesk.capture`` loads neither OpenCV nor the OCR models.
"""
