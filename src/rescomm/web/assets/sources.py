"""Loading a directory of voluntary and community groups: three sources, one importer.

- **A CSV with a column mapping** (:func:`parse_mapping`, :func:`read_mapping_file`,
  :func:`apply_mapping`): a council's own spreadsheet, whatever its column names, mapped onto the
  importer's fields (``name=Organisation,postcode=Postcode``); :func:`preview` says what an import
  would do (counts, first records, every problem by row and column) without writing anything.
- **An Open Referral UK feed** (:func:`fetch_oruk`, :func:`sync_feed`): an ORUK / HSDS API's
  ``/services`` endpoint (every page) or a saved export, kept in step by running
  ``rescomm assets sync`` on a schedule: records are upserted by the feed's own ids
  (``oruk:<id>``) and those that vanished from the feed are hidden (not deleted).
- **The Charity Commission register extract** (:func:`charity_register_records`): the
  ``publicextract.charity`` file of the Charity Commission for England and Wales (tab-separated
  ``.txt``, ``.json``, or the ``.zip`` either comes in), registered main charities only, kept to
  the area by the local authority of their contact postcode (bundled postcode index).

All three end in :func:`rescomm.web.assets.importer.import_assets` (validate everything, write
in one transaction, idempotent by ``source_id``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .importer import FIELDS, RecordError, fingerprint, import_assets, validate


class SourceProblem(ValueError):
    """The source cannot be read or mapped (nothing was imported)."""


# CSV with a column mapping -------------------------------------------------------------------


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["name=Organisation,postcode=Postcode", "email=E-mail"]`` -> ``{field: column}``.

    Each item holds one or more ``field=column`` pairs separated by commas (a column whose name
    has a comma or an equals sign needs a mapping file). Fields are the importer's
    (:data:`~rescomm.web.assets.importer.FIELDS`); an unknown field is refused, naming the known
    ones."""
    mapping: dict[str, str] = {}
    for item in items:
        for pair in item.split(","):
            if not pair.strip():
                continue
            field_name, sep, column = pair.partition("=")
            field_name, column = field_name.strip(), column.strip()
            if not sep or not field_name or not column:
                raise SourceProblem(f"--map {pair.strip()!r}: write FIELD=COLUMN, e.g. "
                                    "name=Organisation")
            _check_field(field_name)
            if field_name in mapping:
                raise SourceProblem(f"--map: {field_name} is mapped twice")
            mapping[field_name] = column
    return mapping


def _check_field(name: str) -> None:
    if name not in FIELDS:
        raise SourceProblem(f"{name!r} is not a field the importer knows; the fields are: "
                            f"{', '.join(FIELDS)}")


def read_mapping_file(path: str | Path) -> dict[str, str]:
    """A mapping saved as JSON (``{"name": "Organisation", ...}``) or as CSV with the header
    ``field,column`` (one pair a row)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceProblem(f"cannot read the mapping file {path.name}: {exc}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceProblem(f"{path.name} is not valid JSON: {exc.msg} at line "
                                f"{exc.lineno}") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise SourceProblem(f"{path.name}: expected an object of field -> column name")
        pairs = list(data.items())
    else:
        reader = csv.DictReader(io.StringIO(text))
        if [c.strip().lower() for c in reader.fieldnames or []] != ["field", "column"]:
            raise SourceProblem(f"{path.name}: the header must be 'field,column'")
        pairs = [(row["field"] or "", row["column"] or "") for row in
                 ({k.strip().lower(): v for k, v in r.items()} for r in reader)]
    mapping: dict[str, str] = {}
    for field_name, column in pairs:
        field_name, column = field_name.strip(), column.strip()
        _check_field(field_name)
        if not column:
            raise SourceProblem(f"{path.name}: no column given for {field_name}")
        mapping[field_name] = column
    return mapping


def parse_constants(items: Iterable[str]) -> dict[str, str]:
    """``--set category=community_centre``: the same value for every record."""
    out: dict[str, str] = {}
    for item in items:
        field_name, sep, value = item.partition("=")
        field_name = field_name.strip()
        if not sep or not field_name:
            raise SourceProblem(f"--set {item!r}: write FIELD=VALUE, e.g. "
                                "category=community_centre")
        _check_field(field_name)
        out[field_name] = value.strip()
    return out


@dataclass
class Mapped:
    """Records made from mapped rows, and what the mapping left out."""

    records: list[dict]
    #: Field -> source column, for error messages ("column 'Postcode'").
    columns: dict[str, str]
    unmapped: list[str]
    generated_ids: bool = False


def apply_mapping(rows: list[dict], mapping: Mapping[str, str], *, source: str,
                  constants: Mapping[str, str] | None = None) -> Mapped:
    """Rows of a CSV (column -> text) as importer records (field -> value).

    Every mapped column must be in the file (else :class:`SourceProblem` listing the columns it
    has). Without a column for ``source_id`` each record gets a stable one from its name and
    postcode (``csv:<source>:<16 hex digits of SHA-256>``), so re-importing the same file updates
    rather than duplicates."""
    constants = dict(constants or {})
    header = list(rows[0]) if rows else []
    missing = [c for c in mapping.values() if c not in header]
    if rows and missing:
        raise SourceProblem(
            f"column(s) {', '.join(repr(c) for c in missing)} not in the file; its columns are: "
            f"{', '.join(repr(c) for c in header)}")
    generated = "source_id" not in mapping and "source_id" not in constants
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:60] or "csv"
    records = []
    for row in rows:
        rec = {f: row.get(c) for f, c in mapping.items()}
        rec.update(constants)
        if generated:
            key = "|".join(str(rec.get(k) or "").strip().casefold() for k in ("name", "postcode"))
            rec["source_id"] = f"csv:{slug}:{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        records.append(rec)
    used = set(mapping.values())
    return Mapped(records, dict(mapping), [c for c in header if c not in used], generated)


@dataclass
class Preview:
    """What an import would do; nothing written."""

    total: int
    create: int
    update: int
    unchanged: int
    errors: list[RecordError]
    first: list[dict] = field(default_factory=list)

    @property
    def invalid_records(self) -> int:
        return len({e.index for e in self.errors})


def preview(records: list[dict], *, source: str, show: int = 5) -> Preview:
    """Validate ``records`` and compare them with the database: how many an import would
    create, update or leave unchanged, the first ``show`` clean records, and every problem.
    Reads only."""
    from .models import Service

    clean, errors = validate(records, source=source)
    bad = {e.index for e in errors}
    ok = [rec for index, rec in enumerate(clean) if index not in bad]
    known: dict[str, str] = {}
    ids = [r["source_id"] for r in ok]
    for start in range(0, len(ids), 500):
        known.update(Service.objects.filter(source_id__in=ids[start:start + 500])
                     .values_list("source_id", "import_fingerprint"))
    result = Preview(total=len(records), create=0, update=0, unchanged=0, errors=errors,
                     first=clean[:show])
    for rec in ok:
        if rec["source_id"] not in known:
            result.create += 1
        elif known[rec["source_id"]] == fingerprint(rec):
            result.unchanged += 1
        else:
            result.update += 1
    return result


# Open Referral UK feeds ----------------------------------------------------------------------

#: Largest feed page read (bytes) and most pages followed: a runaway feed stops with an error.
MAX_PAGE_BYTES = 50 * 1024 * 1024
MAX_PAGES = 2_000


def _default_opener(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json",  # noqa: S310
                                                   "User-Agent": "rescomm (ORUK sync)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s)
        data = response.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise SourceProblem(f"{url}: a page larger than {MAX_PAGE_BYTES // 1024 // 1024} MB")
    return data


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
             if k != "page"]
    query.append(("page", str(page)))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def fetch_oruk(location: str, *, timeout: float = 60.0,
               opener: Callable[[str, float], bytes] | None = None) -> list[dict]:
    """Every service of an ORUK feed, as flat importer records (``oruk:<id>`` source ids).

    ``location`` is the feed's ``/services`` URL (http or https; every page is followed, by the
    page's ``total_pages`` (HSDS 3.0) or ``totalPages`` (ORUK 1.0), asking ``page=2``, ...) or
    the path of a saved export (a JSON list of services or one page). ``opener`` replaces the
    HTTP client (tests)."""
    from .files import FileProblem, read_records, records_from_json

    if not re.match(r"^https?://", location, re.I):
        path = Path(location)
        if not path.is_file():
            raise SourceProblem(f"{location}: neither an http(s) address nor a file")
        try:
            return _oruk_only(read_records(path), location)
        except FileProblem as exc:
            raise SourceProblem(str(exc)) from None
    fetch = opener or _default_opener
    services: list[dict] = []
    page, total_pages = 1, None
    while True:
        url = location if page == 1 else _with_page(location, page)
        try:
            raw = fetch(url, timeout)
        except SourceProblem:
            raise
        except Exception as exc:  # noqa: BLE001 - network errors of every kind, reported
            raise SourceProblem(f"could not read {url}: {exc}") from None
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceProblem(f"{url} did not answer JSON ({exc})") from None
        if isinstance(data, dict) and "content" in data and "contents" not in data:
            data = {**data, "contents": data["content"]}  # ORUK 1.0 (Spring) pages
        try:
            services += records_from_json(json.dumps(data), name=url)
        except FileProblem as exc:
            raise SourceProblem(str(exc)) from None
        if isinstance(data, dict):
            total_pages = data.get("total_pages", data.get("totalPages", total_pages))
        if not isinstance(total_pages, int) or page >= total_pages:
            break
        if page >= MAX_PAGES:
            raise SourceProblem(f"{location}: more than {MAX_PAGES} pages; stopped")
        page += 1
    return _oruk_only(services, location)


def _oruk_only(records: list[dict], location: str) -> list[dict]:
    if not all(str(r.get("source_id", "")).startswith("oruk:") for r in records):
        raise SourceProblem(f"{location}: not an Open Referral UK feed (services with an 'id' "
                            "and a 'status'); import flat records with 'rescomm assets import'")
    return records


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    hidden: list[str] = field(default_factory=list)
    skipped: list[RecordError] = field(default_factory=list)
    dry_run: bool = False


class SyncRefused(SourceProblem):
    """The sync would hide too much of the directory at once (nothing was changed)."""


def sync_feed(records: list[dict], *, source: str, actor=None, dry_run: bool = False,
              max_hide_share: float = 0.5) -> SyncResult:
    """Bring the assets of the feed ``source`` in step with ``records`` (from
    :func:`fetch_oruk`): create new services, update changed ones (idempotent: a second run
    changes nothing), and hide the published ones of this feed that are no longer in it (a new
    version and an audit event each; they come back if the feed lists them again).

    Invalid records are left out and listed (``skipped``) rather than stopping the whole sync.
    Refuses (:class:`SyncRefused`, nothing changed) when the feed is empty, or when more than
    ``max_hide_share`` of the feed's published assets would be hidden (a feed outage looks like
    that): pass 1.0 to allow it."""
    from django.db import transaction

    from .models import AssetStatus, Service
    from .services import set_status

    if not records:
        raise SyncRefused(f"{source}: the feed has no services; nothing changed (an empty feed "
                          "would hide the whole directory)")
    ids = {str(r.get("source_id") or "") for r in records}
    mine = Service.objects.filter(source=source, source_id__startswith="oruk:")
    published = dict(mine.filter(asset_status=AssetStatus.PUBLISHED)
                     .values_list("source_id", "pk"))
    gone = sorted(s for s in published if s not in ids)
    if published and len(gone) > max_hide_share * len(published):
        raise SyncRefused(
            f"{source}: {len(gone)} of the feed's {len(published)} published assets are no "
            f"longer in it; nothing changed. If that is right, run again with "
            f"--max-hide {100 * len(gone) / len(published):.0f}")
    if dry_run:
        p = preview(records, source=source, show=0)
        return SyncResult(created=p.create, updated=p.update, unchanged=p.unchanged,
                          hidden=gone, skipped=p.errors, dry_run=True)
    with transaction.atomic():
        # A service hidden earlier for vanishing is re-applied when it comes back.
        mine.filter(source_id__in=list(ids), asset_status=AssetStatus.HIDDEN).update(
            import_fingerprint="")
        result = import_assets(records, source=source, actor=actor, skip_invalid=True,
                               reason=f"sync of the ORUK feed {source}")
        for service in Service.objects.filter(pk__in=[published[s] for s in gone]):
            set_status(service, AssetStatus.HIDDEN, actor=actor,
                       reason=f"no longer in the ORUK feed {source}")
            Service.objects.filter(pk=service.pk).update(import_fingerprint="")
    return SyncResult(created=result.created, updated=result.updated,
                      unchanged=result.unchanged, hidden=gone, skipped=result.skipped)


# Charity Commission register extract -----------------------------------------------------------

#: Columns of ``publicextract.charity`` that rescomm reads (the file has more).
CHARITY_COLUMNS = (
    "registered_charity_number", "linked_charity_number", "charity_name",
    "charity_registration_status", "charity_contact_address1", "charity_contact_address2",
    "charity_contact_address3", "charity_contact_address4", "charity_contact_address5",
    "charity_contact_postcode", "charity_contact_phone", "charity_contact_email",
    "charity_contact_web", "charity_activities",
)
CHARITY_REQUIRED = ("registered_charity_number", "charity_name", "charity_registration_status",
                    "charity_contact_postcode")
CHARITY_SOURCE = "Charity Commission for England and Wales, register of charities extract"
CHARITY_ATTRIBUTION = ("Contains public sector information licensed under the Open Government "
                       "Licence v3.0. Source: Charity Commission for England and Wales, "
                       "register of charities.")


@dataclass
class CharityStats:
    rows: int = 0
    removed: int = 0
    linked: int = 0
    no_postcode: int = 0
    outside_area: int = 0
    kept: int = 0
    extract_date: str = ""


def _charity_rows(path: Path) -> Iterator[dict]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            inner = [n for n in archive.namelist()
                     if n.lower().endswith((".txt", ".json"))]
            if len(inner) != 1:
                raise SourceProblem(f"{path.name}: expected one publicextract.charity .txt or "
                                    f".json file inside, found {inner or 'none'}")
            with archive.open(inner[0]) as handle:
                text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
                yield from _charity_text_rows(text, inner[0])
        return
    if suffix not in (".txt", ".json", ".tsv"):
        raise SourceProblem(f"{path.name}: use the register's publicextract.charity .txt, .json "
                            "or .zip file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from _charity_text_rows(handle, path.name)


def _charity_text_rows(handle, name: str) -> Iterator[dict]:
    if name.lower().endswith(".json"):
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise SourceProblem(f"{name} is not valid JSON: {exc.msg} at line "
                                f"{exc.lineno}") from None
        if not isinstance(data, list):
            raise SourceProblem(f"{name}: expected a list of charities")
        if data:
            _charity_header(list(data[0]) if isinstance(data[0], dict) else [], name)
        for row in data:
            yield {k: ("" if v is None else str(v)) for k, v in row.items()}
        return
    reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
    _charity_header(reader.fieldnames or [], name)
    yield from reader


def _charity_header(columns: list[str], name: str) -> None:
    missing = [c for c in CHARITY_REQUIRED if c not in columns]
    if missing:
        raise SourceProblem(f"{name}: not the Charity Commission register layout: column(s) "
                            f"{', '.join(missing)} missing (is it publicextract.charity, "
                            "tab-separated?)")


def _sentence_case_shouting(text: str) -> str:
    """Activities typed in capitals ("GUIDED HEALTH WALKS.") read as a sentence ("Guided health
    walks."); text with any lower-case letter is left as written."""
    if not text or any(c.islower() for c in text):
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text.lower())
    return " ".join(s[:1].upper() + s[1:] for s in sentences)


def charity_register_records(path: str | Path, *, lads: Iterable[str] | None = None,
                             show_addresses: bool = False) -> tuple[list[dict], CharityStats]:
    """Registered charities of an area from the Charity Commission register extract.

    Keeps main charities (``linked_charity_number`` 0 or blank) whose
    ``charity_registration_status`` is "Registered" and whose contact postcode lies in one of
    the local authorities ``lads`` (default: every local authority of the bundled postcode
    index, Cheshire & Merseyside), looked up in the bundled postcode index. Each becomes a
    ``group`` in category ``charity``, ``source_id`` ``ccew:<registered number>``, its
    activities as the description.

    A charity's contact address is where its post goes (for a small charity often a trustee's
    home), not where it meets; so unless ``show_addresses`` the listing hides its exact location
    (``hide_exact_location``): it is listed in its local authority without an address, distance
    or map position until the charity claims it and says where it meets.
    """
    from rescomm.data import load_postcodes, title_case_name

    path = Path(path)
    postcodes = load_postcodes()
    lad_of = dict(zip(postcodes["postcode"].str.replace(" ", "", regex=False),
                      postcodes["lad_code"].astype(str), strict=True))
    wanted = set(lads) if lads is not None else set(lad_of.values())
    stats = CharityStats()
    records = []
    for row in _charity_rows(path):
        stats.rows += 1
        stats.extract_date = stats.extract_date or str(row.get("date_of_extract") or "")[:10]
        if (row.get("charity_registration_status") or "").strip().lower() != "registered":
            stats.removed += 1
            continue
        if (row.get("linked_charity_number") or "0").strip() not in ("", "0"):
            stats.linked += 1
            continue
        compact = re.sub(r"\s+", "", (row.get("charity_contact_postcode") or "").upper())
        if not compact:
            stats.no_postcode += 1
            continue
        if lad_of.get(compact) not in wanted:
            stats.outside_area += 1
            continue
        number = (row.get("registered_charity_number") or "").strip()
        name = title_case_name((row.get("charity_name") or "").strip())
        address = ", ".join(str(title_case_name(v.strip())) for v in (
            row.get(f"charity_contact_address{i}") or "" for i in range(1, 6)) if v.strip())
        web = (row.get("charity_contact_web") or "").strip()
        records.append({
            "source_id": f"ccew:{number}", "name": name,
            "description": _sentence_case_shouting((row.get("charity_activities") or "").strip()),
            "asset_kind": "group", "category": "charity",
            "address": address, "postcode": compact[:-3] + " " + compact[-3:],
            "phone": (row.get("charity_contact_phone") or "").strip(),
            "email": (row.get("charity_contact_email") or "").strip(),
            "url": web if web.lower() not in ("", "null", "none") else "",
            "organization": name, "organization_id": f"ccew:{number}",
            "hide_exact_location": not show_addresses,
            "source": CHARITY_SOURCE + (f" ({stats.extract_date})" if stats.extract_date else ""),
            "licence": "OGL-UK-3.0", "attribution": CHARITY_ATTRIBUTION,
        })
        stats.kept += 1
    return records, stats
