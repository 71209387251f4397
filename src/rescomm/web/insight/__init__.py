"""Insight: the home map, LSOA tables and LSOA profile pages (read-only, public)."""
