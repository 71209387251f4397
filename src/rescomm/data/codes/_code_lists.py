"""Load the bundled code lists (CSV next to this module) and check them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CODES_DIR = Path(__file__).resolve().parent
COLUMNS = (
    "code_list", "version", "concept_id", "term", "semantic_tag", "event", "verification",
    "source",
)
VERIFICATION = ("verified", "unverified")

# Verhoeff tables (dihedral group D5): multiplication and permutation.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6), (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4), (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2), (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 8, 7, 6, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


class CodeListError(ValueError):
    """A code list file that is missing, malformed, or holds an invalid code."""


@dataclass(frozen=True)
class SnomedCode:
    """One row of a SNOMED CT code list."""

    code_list: str
    version: str
    concept_id: str
    term: str
    semantic_tag: str
    event: str
    verification: str
    source: str

    @property
    def verified(self) -> bool:
        return self.verification == "verified"

    @property
    def display(self) -> str:
        """``term (semantic tag)``, as SNOMED shows fully specified names."""
        return f"{self.term} ({self.semantic_tag})"


def is_valid_sctid(text: str) -> bool:
    """Whether ``text`` is a well-formed SNOMED CT identifier: 6 to 18 digits, no leading zero,
    and a correct Verhoeff check digit (SNOMED CT Technical Implementation Guide, 6.1)."""
    if not (6 <= len(text) <= 18) or not text.isascii() or not text.isdigit() or text[0] == "0":
        return False
    check = 0
    for position, digit in enumerate(reversed(text)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


@cache
def load_code_list(name: str = "snomed_social_prescribing") -> tuple[SnomedCode, ...]:
    """The rows of the bundled code list ``name`` (``codes/<name>.csv``), checked.

    Raises
    ------
    CodeListError
        If the file is missing, a column is missing, the list has more than one version, a row
        names another list, a concept id fails its check digit, or an event appears twice.
    """
    path = CODES_DIR / f"{name}.csv"
    if not path.is_file():
        raise CodeListError(f"no code list {name!r}: expected {path}")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise CodeListError(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows = [SnomedCode(**{column: row[column].strip() for column in COLUMNS})
                for row in reader]
    versions = {row.version for row in rows}
    if len(versions) != 1:
        raise CodeListError(f"{path.name}: one version per file, found {sorted(versions)}")
    events: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if row.code_list != name:
            raise CodeListError(f"{path.name} line {line}: code_list is {row.code_list!r}")
        if not is_valid_sctid(row.concept_id):
            raise CodeListError(
                f"{path.name} line {line}: {row.concept_id!r} is not a valid SNOMED CT id"
            )
        if row.verification not in VERIFICATION:
            raise CodeListError(f"{path.name} line {line}: verification must be one of "
                                f"{', '.join(VERIFICATION)}")
        if row.event in events:
            raise CodeListError(f"{path.name} line {line}: event {row.event!r} appears twice")
        events.add(row.event)
    return tuple(rows)


def event_code(
    event: str, *, name: str = "snomed_social_prescribing", include_unverified: bool = False
) -> SnomedCode | None:
    """The code recorded for a pathway ``event`` (``None`` if the event is not coded, or only by
    an unverified code and ``include_unverified`` is false)."""
    for row in load_code_list(name):
        if row.event == event and (row.verified or include_unverified):
            return row
    return None
