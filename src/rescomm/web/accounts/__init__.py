"""Accounts: users, organisations, roles (memberships), API tokens and the audit log."""
