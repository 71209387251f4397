"""Accounts test fixtures (the audit-log flush fixture lives in ``tests/web/conftest.py``)."""
