"""Tests of rescomm.stats (a package, so module names cannot clash with other test folders)."""
