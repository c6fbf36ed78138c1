"""The clerk's desktop app (PySide6): the only package that imports Qt.

A thin shell over ``clerkdesk.desk.Desk``: widgets collect input and show results; validation, planning,
profiles and runs all happen in the application layer. See docs/app.md.
"""

from clerkdesk.qtfix import immortalize_none

immortalize_none()  # PySide6 6.12 on CPython 3.11 leaks references to None; see clerkdesk/qtfix.py
