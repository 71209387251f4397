"""Insight stores nothing yet: it reads the areas app (and, later, the other pillars)."""
