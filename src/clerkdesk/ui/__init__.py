"""The clerk's desktop app (PySide6): the only package that imports Qt.

A thin shell over ``clerkdesk.desk.Desk``: widgets collect input and show results; validation, planning,
profiles and runs all happen in the application layer. See docs/app.md.
"""
