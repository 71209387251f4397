"""Library opening hours from the Libraries Hacked UK public libraries file, joined to the
libraries of the ACE basic dataset.

The file is ``data/schemas/libraries.csv`` of LibrariesHacked/librarydata-db (one row per library
in the UK; the layout of the Public Library Open Data schema, with the staffed and unstaffed
hours of each weekday in 14 columns such as ``"Monday staffed hours"``). Libraries Hacked
compiles it from the library services' own published data; it states no licence for the file,
so rescomm reads it from where the user keeps it and does not bundle it (``docs/assets-data.md``).

Staffed and unstaffed hours
    Staffed hours are when the library is open to everyone with staff on hand: they become the
    opening times (:func:`library_opening_times`). Unstaffed hours are self-service ("open+",
    extended access) hours: usually only for registered members who have had an induction,
    without staff. They are read and kept apart (``staffed`` False in
    :func:`read_library_opening_times`), never mixed into the opening times, so that a
    suggestion filtered by opening times never sends someone to a library they cannot enter.

Times follow :mod:`rescomm.data._opening_hours`: ``HH:MM-HH:MM`` sessions joined by commas;
``24:00`` closes at ``23:59``; a session past midnight is an error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._asset_areas import _check_lads, _postcode_lookup
from ._asset_io import _normalise_postcodes, _standardise
from ._errors import AssetFileError, OpeningHoursError, OpeningHoursWarning
from ._opening_hours import DAY_NAMES, parse_sessions, weekly_rules

#: What the web app and ``load_assets`` add to the ``source`` and ``attribution`` of a library
#: that has opening times from this file.
HOURS_SOURCE = "opening times from the Libraries Hacked UK public libraries file"
HOURS_ATTRIBUTION = ("Opening times compiled by Libraries Hacked (librarydata.uk) from the "
                     "library services' published data.")

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Library name",),
    "local_authority": ("Local authority",),
    "postcode": ("Postcode",),
    "uprn": ("Unique property reference number", "UPRN"),
    "library_type": ("Type of library",),
    "closed": ("Year closed",),
    "lad_code": ("pc_lad25cd",),
    **{f"{d}_staffed": (f"{d} staffed hours", f"{d} hours") for d in DAY_NAMES},
    **{f"{d}_unstaffed": (f"{d} unstaffed hours",) for d in DAY_NAMES},
}
_REQUIRED = ("name", "postcode", *(f"{d}_staffed" for d in DAY_NAMES))
_WHAT = "Libraries Hacked libraries"
COLUMNS = ("line", "library_name", "local_authority", "postcode", "uprn", "lad_code", "day",
           "session", "opens_at", "closes_at", "staffed")


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _rows_with_lines(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The file as strings with a ``line`` column (the file line each record starts on), and
    canonical name -> the column as the file spells it (for error messages)."""
    reader = csv.reader(io.StringIO(_decoded(path), newline=""))
    header = next(reader, None)
    if header is None:
        raise AssetFileError(f"{path}: the file is empty", path=str(path))
    rows, lines, start = [], [], reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((row + [""] * len(header))[:len(header)])
            lines.append(start)
        start = reader.line_num + 1
    raw = pd.DataFrame(rows, columns=header, dtype="string")
    df = _standardise(raw, path, _WHAT, _ALIASES, _REQUIRED)
    spelled = dict(zip(df.columns, raw.columns, strict=True))
    df["line"] = lines
    return df, spelled


def _lads_of(df: pd.DataFrame) -> pd.Series:
    """The file's local authority code (``pc_lad25cd``), else the bundled postcodes' one."""
    given = df["lad_code"] if "lad_code" in df.columns else pd.Series(pd.NA, index=df.index)
    look = _postcode_lookup(None)
    return given.astype("string").fillna(df["postcode"].map(look["lad_code"]).astype("string"))


def read_library_opening_times(path: str | Path, *, lads: Iterable[str] | None = None,
                               open_only: bool = True, errors: str = "raise") -> pd.DataFrame:
    """Read the Libraries Hacked UK libraries file into one row per library, day and session.

    Parameters
    ----------
    path : str or Path
        ``libraries.csv`` of LibrariesHacked/librarydata-db (staged in shared/data as
        ``assets/libraries_uk_librarieshacked_schema.csv``), or any file in the Public Library
        Open Data layout (``"Monday hours"`` is read as staffed hours).
    lads : iterable of str, optional
        Keep only libraries in these local authorities (ONS LAD codes): the file's
        ``pc_lad25cd`` where given, else the LAD of the postcode in the bundled C&M postcodes.
        Filtering happens before the hours are read, so errors elsewhere do not stop it.
    open_only : bool, default True
        Leave out libraries with a ``Year closed``.
    errors : {"raise", "skip"}
        ``"raise"``: the first unreadable value raises :class:`OpeningHoursError`. ``"skip"``:
        leave out each unreadable day (the library's other days are kept) and emit one
        :class:`OpeningHoursWarning` counting them. The full UK file (4,231 libraries) has 7
        such values, none in Cheshire & Merseyside.

    Returns
    -------
    DataFrame
        ``line`` (the file line of the library's record: its key in this table),
        ``library_name, local_authority, postcode`` (ONS ``pcds`` format, null if invalid),
        ``uprn`` (digits, leading zeros removed), ``lad_code``, ``day`` (``MO`` .. ``SU``),
        ``session`` (1, 2, ... within the day), ``opens_at, closes_at`` (``HH:MM``, local
        time) and ``staffed`` (False for unstaffed, self-service hours). A library without
        any hours has no rows.

    Raises
    ------
    AssetFileError
        If a required column is missing (library name, postcode, the seven staffed days).
    OpeningHoursError
        With ``errors="raise"``, for a value such as ``"25:00-26:00"`` or ``"10:00-09:00"``;
        the message names the file line, the library, the column and the value.
    """
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors={errors!r}: use 'raise' or 'skip'")
    path = Path(path)
    df, spelled = _rows_with_lines(path)
    df["postcode"] = _normalise_postcodes(df["postcode"])
    df["lad_code"] = _lads_of(df)
    wanted = _check_lads(lads)
    if wanted is not None:
        df = df[df["lad_code"].isin(wanted)]
    if open_only and "closed" in df.columns:
        df = df[df["closed"].isna()]
    uprn = df["uprn"] if "uprn" in df.columns else pd.Series(pd.NA, index=df.index)
    df = df.assign(uprn=_clean_uprn(uprn))
    out, skipped = [], []
    for staffed in (True, False):
        for name, code in DAY_NAMES.items():
            col = f"{name}_{'staffed' if staffed else 'unstaffed'}"
            if col not in df.columns:
                continue
            for line, value in df.loc[df[col].notna(), ["line", col]].itertuples(index=False):
                try:
                    sessions = parse_sessions(value)
                except ValueError as exc:
                    record = df.loc[df["line"] == line].iloc[0]
                    message = (f"{path}: line {line} ({record['name']!r}), column "
                               f"{spelled[col]!r}: cannot read {value!r}: {exc}")
                    if errors == "raise":
                        raise OpeningHoursError(message, path=str(path), line=int(line),
                                                column=spelled[col], value=str(value)) from None
                    skipped.append(message)
                    continue
                out += [(line, code, i, o, c, staffed) for i, (o, c) in enumerate(sessions, 1)]
    if skipped:
        warnings.warn(f"{len(skipped)} unreadable opening-hours value(s) left out, first: "
                      f"{skipped[0]}", OpeningHoursWarning, stacklevel=2)
    times = pd.DataFrame(out, columns=["line", "day", "session", "opens_at", "closes_at",
                                       "staffed"])
    libs = df.set_index("line")
    for target, source in (("library_name", "name"), ("local_authority", "local_authority"),
                           ("postcode", "postcode"), ("uprn", "uprn"), ("lad_code", "lad_code")):
        times[target] = (times["line"].map(libs[source]) if source in libs.columns
                         else pd.NA)
        times[target] = times[target].astype("string")
    times["day_order"] = times["day"].map({c: i for i, c in enumerate(DAY_NAMES.values())})
    times = times.sort_values(["line", "staffed", "day_order", "session"],
                              ascending=[True, False, True, True])
    return times[list(COLUMNS)].astype({"line": "int64", "session": "int64",
                                        "staffed": "bool"}).reset_index(drop=True)


def _clean_uprn(values: pd.Series) -> pd.Series:
    """UPRNs as digit strings without leading zeros or a trailing ``.0``; others null."""
    s = values.astype("string").str.strip().str.replace(r"\.0+$", "", regex=True)
    s = s.where(s.str.fullmatch(r"\d+").fillna(False)).str.lstrip("0")
    return s.mask(s == "").astype("string")


def normalise_library_name(name: str) -> str:
    """Name key for matching libraries across data sets: ``"St. James Library"`` ->
    ``"st james"``.

    Case-folded, ``&`` read as "and", punctuation dropped, the words "library" and "libraries"
    dropped, spaces collapsed.
    """
    s = str(name).casefold().replace("&", " and ")
    s = re.sub(r"[^\w\s]", " ", s)
    s = re.sub(r"\b(?:library|libraries)\b", " ", s)
    return " ".join(s.split())


#: How :func:`match_library_opening_times` paired a library with the file, strongest first.
MATCH_METHODS = ("uprn", "name_postcode", "name_postcode_sector")


def match_library_opening_times(times: pd.DataFrame,
                                libraries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pair each library of the ACE basic dataset with a library of the hours file.

    Three passes, each only between libraries not yet paired on either side, and a pair is
    made only when it is the only candidate on both sides:

    1. ``uprn``: the same UPRN, where both files give one;
    2. ``name_postcode``: the same name key (:func:`normalise_library_name`) and postcode;
    3. ``name_postcode_sector``: the same name key and postcode sector (outward code and first
       inward digit, e.g. ``WA1 1``): catches a library whose two records give neighbouring
       postcodes (Warrington Library: WA1 1JB in ACE, WA1 1JG in the hours file).

    Parameters
    ----------
    times : DataFrame
        From :func:`read_library_opening_times`; only libraries with hours take part.
    libraries : DataFrame, optional
        ``source_id, name, postcode, uprn`` of the libraries to match; default the bundled
        C&M libraries (:func:`rescomm.data.load_libraries`).

    Returns
    -------
    DataFrame
        One row per library of ``libraries``, in its order: ``source_id, name, postcode``,
        ``line`` (of the hours file; null when unmatched) and ``match`` (one of
        :data:`MATCH_METHODS`, null when unmatched).
    """
    if libraries is None:
        from ._assets import load_libraries

        libraries = load_libraries()
    ours = pd.DataFrame({
        "source_id": libraries["source_id"].astype("string"),
        "name": libraries["name"].astype("string"),
        "postcode": _normalise_postcodes(libraries["postcode"]),
        "uprn": _clean_uprn(libraries["uprn"]) if "uprn" in libraries.columns else pd.NA,
    }).reset_index(drop=True)
    theirs = times.drop_duplicates("line")[["line", "library_name", "postcode", "uprn"]]
    theirs = theirs.reset_index(drop=True)
    keys = {
        "uprn": (ours["uprn"], theirs["uprn"]),
        "name_postcode": (_name_key(ours["name"]) + "|" + ours["postcode"],
                          _name_key(theirs["library_name"]) + "|" + theirs["postcode"]),
        "name_postcode_sector": (_name_key(ours["name"]) + "|" + ours["postcode"].str[:-2],
                                 _name_key(theirs["library_name"]) + "|"
                                 + theirs["postcode"].str[:-2]),
    }
    line = pd.Series(pd.NA, index=ours.index, dtype="Int64")
    method = pd.Series(pd.NA, index=ours.index, dtype="string")
    used: set[int] = set()
    for how in MATCH_METHODS:
        left, right = keys[how]
        open_left = line.isna() & left.notna()
        open_right = ~theirs["line"].isin(used) & right.notna()
        left_counts = left[open_left].value_counts()
        right_lines = theirs.loc[open_right].groupby(right[open_right])["line"].agg(list)
        for i in ours.index[open_left]:
            key = left[i]
            found = right_lines.get(key, [])
            if left_counts[key] == 1 and len(found) == 1:
                line[i], method[i] = found[0], how
                used.add(found[0])
    return ours[["source_id", "name", "postcode"]].assign(line=line, match=method)


def _name_key(names: pd.Series) -> pd.Series:
    return names.map(normalise_library_name, na_action="ignore").astype("string")


def library_opening_times(path: str | Path, *, libraries: pd.DataFrame | None = None,
                          lads: Iterable[str] | None = None) -> pd.Series:
    """Staffed opening times of each library, as the web app's importer reads them.

    Reads ``path`` with :func:`read_library_opening_times` (``lads`` default: the nine C&M
    authorities), pairs it with ``libraries`` (:func:`match_library_opening_times`) and
    collapses each matched library's staffed sessions into weekly rules
    (:func:`~rescomm.data._opening_hours.weekly_rules`).

    Returns
    -------
    Series
        Indexed by ``source_id`` (matched libraries with staffed hours only), each value a list
        of ``{"byday", "opens_at", "closes_at"}`` dicts. ``attrs["matches"]`` holds the
        :func:`match_library_opening_times` table and ``attrs["sha256"]`` the file's digest.
    """
    from ._bundled import CM_LOCAL_AUTHORITIES

    path = Path(path)
    times = read_library_opening_times(path, lads=list(lads or CM_LOCAL_AUTHORITIES))
    matches = match_library_opening_times(times, libraries)
    staffed = times[times["staffed"]]
    paired = matches.dropna(subset=["line"])
    by_line = {line: weekly_rules(group[["day", "opens_at", "closes_at"]]
                                  .itertuples(index=False, name=None))
               for line, group in staffed.groupby("line")}
    rules = {sid: by_line[line] for sid, line in zip(paired["source_id"], paired["line"],
                                                    strict=True) if line in by_line}
    out = pd.Series(rules, dtype=object, name="opening_times")
    out.index.name = "source_id"
    out.attrs["matches"] = matches
    out.attrs["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
