"""Write small files in the layout of Libraries Hacked's UK public libraries table (for the
library opening-times tests of ``rescomm.data`` and the web app)."""

from __future__ import annotations

import csv
from pathlib import Path

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HEADER = ["Local authority", "Library name", "Postcode", "Unique property reference number",
          "Year closed", *(f"{d} staffed hours" for d in DAYS),
          *(f"{d} unstaffed hours" for d in DAYS), "Notes"]


def write_hours(path: Path, rows: list[dict]) -> Path:
    """A file in the Libraries Hacked layout; ``rows`` give the non-blank cells."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=HEADER)
        out.writeheader()
        for row in rows:
            out.writerow({k: row.get(k, "") for k in HEADER})
    return path
