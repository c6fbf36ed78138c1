"""住房公积金业务管理系统 V3.2（客户端） — a sandbox legacy desktop client.

A PySide6 stand-in for a PowerBuilder/Delphi-era ministry client with no API
and no useful accessibility tree, for testing the OCR-driven desktop driver.
Run ``python -m clerkdesk.sandbox.desktop --log FILE``; see docs/sandbox-desktop.md.
The fixed pixel layout lives in :mod:`clerkdesk.sandbox.desktop.layout` (no Qt import).
"""
