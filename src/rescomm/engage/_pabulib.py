"""Read and write participatory-budgeting elections in the pabulib ``.pb`` format.

The format (https://pabulib.org/format; Stolicki, Szufa and Talmon, "Pabulib: A Participatory
Budgeting Library", arXiv:2012.06539) is a UTF-8 text file of three ``;``-separated sections in
this order: ``META`` (``key;value`` rows, ``budget`` and ``vote_type`` among them), ``PROJECTS``
(a header row beginning ``project_id;cost``, then one row per project) and ``VOTES`` (a header
row with ``voter_id`` and ``vote``, then one row per voter; ``vote`` lists project ids separated
by commas).

Reading checks the whole file first, line by line, and raises :class:`PabulibError` with one
line naming the file, the section and the line of the first problem; only a file that passes
is handed to pabutools' own parser (``pabutools.election.parse_pabulib_from_string``), so
nothing is half-read. pabutools is imported only when a file is read or written.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

#: Vote types this module counts: approval ballots (a knapsack ballot is an approval ballot
#: with ``max_sum_cost`` in META) and choose-1.
COUNTED_VOTE_TYPES = ("approval", "choose-1")
_ALL_VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
_SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A ``.pb`` file cannot be read; the message says what and where (file, section, line)."""


@dataclass(frozen=True)
class Project:
    """One project of an election, as the file gives it."""

    project_id: str
    cost: Fraction
    name: str | None = None
    #: The file's ``selected`` column (1 = funded by the organiser's rule), if it has one.
    selected_in_file: bool | None = None


@dataclass
class Election:
    """A whole, checked participatory-budgeting election read from a ``.pb`` file."""

    source: str
    meta: dict[str, str]
    #: Projects in the order of the file's PROJECTS section.
    projects: list[Project]
    budget: Fraction
    vote_type: str
    #: Number of ballots (rows of VOTES).
    voters: int
    #: ``{project_id: number of ballots that include it}``.
    votes: dict[str, int]
    _instance: Any = field(repr=False, default=None)
    _profile: Any = field(repr=False, default=None)

    def project(self, project_id: str) -> Project:
        return self._by_id[project_id]

    def __post_init__(self) -> None:
        self._by_id = {p.project_id: p for p in self.projects}


def _number(text: str) -> Fraction | None:
    """``text`` as an exact number (a decimal comma is accepted, as pabulib files use), or None."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    return value


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PabulibError(f"{source} line {line}: not UTF-8 text (byte {exc.start}); a .pb "
                           "file must be saved as UTF-8") from None


def read_pabulib(path: str | os.PathLike[str]) -> Election:
    """Read and check a ``.pb`` file; the whole election or :class:`PabulibError`.

    Raises
    ------
    PabulibError
        The file is missing, not UTF-8, or malformed (missing section, unknown project in a
        vote, a ballot over ``max_sum_cost`` or ``max_length``, a non-numeric cost, ...): one
        line naming the file, section and line.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PabulibError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PabulibError(f"{path}: is a folder, not a .pb file") from None
    except OSError as exc:
        raise PabulibError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_pabulib_text(_decode(data, str(path)), source=str(path))


def parse_pabulib_text(text: str, *, source: str = "<text>") -> Election:
    """Check and parse the text of a ``.pb`` file (see :func:`read_pabulib`)."""
    checked = _check(text, source)
    from pabutools.election.pabulib import parse_pabulib_from_string

    try:
        instance, profile = parse_pabulib_from_string(text)
    except Exception as exc:  # the checks above should leave nothing for it to trip on
        raise PabulibError(f"{source}: pabutools cannot parse it "
                           f"({type(exc).__name__}: {exc})") from None
    checked._instance, checked._profile = instance, profile
    return checked


def _check(text: str, source: str) -> Election:  # noqa: C901 - one pass over the file
    lines = text.splitlines()
    sections: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}
    current: str | None = None
    expect_header = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = next(csv.reader([line], delimiter=";"))
        first = row[0].strip().lower() if row else ""
        if first in _SECTIONS and len([c for c in row if c.strip()]) == 1:
            if first in sections:
                raise PabulibError(f"{source} line {number}: a second {first.upper()} section")
            order = _SECTIONS.index(first)
            missing = [s.upper() for s in _SECTIONS[:order] if s not in sections]
            if missing:
                raise PabulibError(f"{source} line {number}: {first.upper()} comes before "
                                   f"{' and '.join(missing)} (the sections are META, PROJECTS, "
                                   "VOTES, in that order)")
            current, expect_header = first, True
            sections[first] = (number, [], [])
            continue
        if first in _SECTIONS:
            raise PabulibError(f"{source} line {number}: a row may not start with "
                               f"{row[0].strip()!r} (read as the start of a section)")
        if current is None:
            raise PabulibError(f"{source} line {number}: text before the META section (a .pb "
                               "file starts with a line reading META)")
        if expect_header:
            header = [c.strip() for c in row]
            sections[current] = (number, header, [])
            expect_header = False
            continue
        sections[current][2].append((number, row))
    for name in _SECTIONS:
        if name not in sections:
            raise PabulibError(f"{source}: no {name.upper()} section (a .pb file has META, "
                               "PROJECTS and VOTES sections, in that order)")
        if not sections[name][1]:
            raise PabulibError(f"{source} line {sections[name][0]}: {name.upper()} has no "
                               "header row")

    meta = _check_meta(sections["meta"], source)
    vote_type = meta["vote_type"]
    budget = _number(meta["budget"])
    projects = _check_projects(sections["projects"], source)
    if budget is None or budget <= 0:
        raise PabulibError(f"{source} META: budget {meta['budget']!r} is not a positive number")
    votes, voters = _check_votes(sections["votes"], source, meta, projects)
    _check_declared_counts(meta, projects, voters, source)
    return Election(source=source, meta=meta, projects=projects, budget=budget,
                    vote_type=vote_type, voters=voters, votes=votes)


def _check_meta(section, source: str) -> dict[str, str]:
    start, header, rows = section
    meta: dict[str, str] = {}
    for number, row in rows:
        if len(row) != 2 or not row[0].strip():
            raise PabulibError(f"{source} line {number} (META): expected key;value, found "
                               f"{len(row)} field(s)")
        key = row[0].strip()
        if key in meta:
            raise PabulibError(f"{source} line {number} (META): {key} is given twice")
        meta[key] = row[1].strip()
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(f"{source} META (line {start}): no {key} (META must give "
                               "budget and vote_type)")
    if meta["vote_type"] not in _ALL_VOTE_TYPES:
        raise PabulibError(f"{source} META: vote_type {meta['vote_type']!r} is not one of "
                           f"{', '.join(_ALL_VOTE_TYPES)}")
    if meta["vote_type"] not in COUNTED_VOTE_TYPES:
        raise PabulibError(f"{source} META: vote_type {meta['vote_type']} is not counted here "
                           f"yet (only {' and '.join(COUNTED_VOTE_TYPES)} ballots)")
    for key in ("max_sum_cost", "min_sum_cost", "max_length", "min_length"):
        if key in meta and _number(meta[key]) is None:
            raise PabulibError(f"{source} META: {key} {meta[key]!r} is not a number")
    return meta


def _check_projects(section, source: str) -> list[Project]:
    start, header, rows = section
    if header[:1] != ["project_id"] or "cost" not in header:
        raise PabulibError(f"{source} line {start} (PROJECTS): the header must start with "
                           f"project_id and include cost, found {';'.join(header)!r}")
    cost_at = header.index("cost")
    name_at = header.index("name") if "name" in header else None
    selected_at = header.index("selected") if "selected" in header else None
    projects: list[Project] = []
    seen: set[str] = set()
    for number, row in rows:
        where = f"{source} line {number} (PROJECTS)"
        if len(row) != len(header):
            raise PabulibError(f"{where}: {len(row)} field(s) but the header has {len(header)}")
        project_id = row[0].strip()
        if not project_id or "," in project_id:
            raise PabulibError(f"{where}: project_id {project_id!r} must be non-empty and "
                               "without commas")
        if project_id in seen:
            raise PabulibError(f"{where}: project {project_id} is listed twice")
        seen.add(project_id)
        cost = _number(row[cost_at])
        if cost is None or cost < 0:
            raise PabulibError(f"{where}: cost {row[cost_at].strip()!r} of project "
                               f"{project_id} is not a number of 0 or more")
        name = row[name_at].strip() if name_at is not None else None
        selected = None
        if selected_at is not None:  # informative only: 1 funded, 0 not, anything else unknown
            selected = {"1": True, "0": False}.get(row[selected_at].strip())
        projects.append(Project(project_id, cost, name or None, selected))
    if not projects:
        raise PabulibError(f"{source} line {start} (PROJECTS): no projects")
    return projects


def _check_votes(section, source: str, meta: dict[str, str],
                 projects: list[Project]) -> tuple[dict[str, int], int]:
    start, header, rows = section
    for column in ("voter_id", "vote"):
        if column not in header:
            raise PabulibError(f"{source} line {start} (VOTES): the header has no {column} "
                               f"column, found {';'.join(header)!r}")
    voter_at, vote_at = header.index("voter_id"), header.index("vote")
    cost = {p.project_id: p.cost for p in projects}
    counts = dict.fromkeys(cost, 0)
    max_cost = _number(meta["max_sum_cost"]) if "max_sum_cost" in meta else None
    max_length = int(_number(meta["max_length"])) if "max_length" in meta else None
    if meta["vote_type"] == "choose-1":
        max_length = 1
    voters: set[str] = set()
    for number, row in rows:
        where = f"{source} line {number} (VOTES)"
        if len(row) != len(header):
            raise PabulibError(f"{where}: {len(row)} field(s) but the header has {len(header)}")
        voter = row[voter_at].strip()
        if not voter:
            raise PabulibError(f"{where}: no voter_id")
        if voter in voters:
            raise PabulibError(f"{where}: voter {voter} votes twice")
        voters.add(voter)
        ballot = [item for item in row[vote_at].split(",") if item.strip()]
        if any(item != item.strip() for item in ballot):
            raise PabulibError(f"{where}: voter {voter}'s vote {row[vote_at]!r} has spaces "
                               "around a project id (write ids separated by commas only)")
        if len(set(ballot)) != len(ballot):
            raise PabulibError(f"{where}: voter {voter} names a project twice")
        for project_id in ballot:
            if project_id not in cost:
                raise PabulibError(f"{where}: voter {voter} votes for project {project_id}, "
                                   "which is not in PROJECTS")
        if max_length is not None and len(ballot) > max_length:
            raise PabulibError(f"{where}: voter {voter} chooses {len(ballot)} projects, more "
                               f"than max_length {max_length}")
        if max_cost is not None:
            spent = sum(cost[p] for p in ballot)
            if spent > max_cost:
                raise PabulibError(f"{where}: voter {voter} chooses projects costing "
                                   f"{_plain(spent)}, more than max_sum_cost {_plain(max_cost)}")
        for project_id in ballot:
            counts[project_id] += 1
    return counts, len(rows)


def _check_declared_counts(meta, projects, voters: int, source: str) -> None:
    for key, actual, what in (("num_projects", len(projects), "PROJECTS rows"),
                              ("num_votes", voters, "VOTES rows")):
        if key in meta:
            declared = _number(meta[key])
            if declared != actual:
                raise PabulibError(f"{source} META: {key} is {meta[key]!r} but the file has "
                                   f"{actual} {what}")


def _plain(value: Fraction) -> str:
    """A cost for people: ``12500`` or ``106165.64``."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def write_pabulib(election: Election, path: str | os.PathLike[str]) -> None:
    """Write ``election`` as a ``.pb`` file with pabutools' writer (``election_as_pabulib_string``).

    The text goes to a temporary file beside ``path`` that replaces it only when complete, so
    an existing file is never left half-written.
    """
    from pabutools.election.pabulib import election_as_pabulib_string

    text = election_as_pabulib_string(election._instance, election._profile)
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
