"""Work around a reference-count bug of PySide6 6.12 on CPython 3.11.

With PySide6 6.12.0 on Python 3.11 every call of a ``void`` Qt method from
Python (``painter.drawLine()``, ``widget.setFixedHeight()``, …) returns
``None`` *without* a new reference, so ``sys.getrefcount(None)`` drops by one
per call. None starts with a few thousand references; after that many calls
the interpreter aborts with ``Fatal Python error: none_dealloc``. (From 3.12
on None is immortal and the bug is invisible.) A repaint of this client alone
makes hundreds of such calls.

None is never freed anyway, so we give it a huge reference count up front.
"""

from __future__ import annotations

import ctypes
import sys

_PAD = 1 << 40


def immortalize_none() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of every PyObject
    if count.value < _PAD:
        count.value += _PAD
