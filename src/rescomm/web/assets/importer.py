"""The one importer a council, a CSV file, another directory's ORUK export and the demo all use.

:func:`import_assets` validates every record first; if any is bad nothing is written and
:class:`ImportFailed` lists one message per record and field. Otherwise it writes all records in
one transaction, keyed by ``source_id``: a new ``source_id`` creates an asset, a known one updates
it (a new version only when something changed), so re-importing never duplicates.

A record is a flat mapping (a CSV row, a dict, a DataFrame row) with these keys (all optional but
``source_id`` and ``name``):

``source_id, name, description, category, asset_kind, asset_status, capitals, needs, address,
city, postcode, phone, email, url, latitude, longitude, easting, northing, lsoa21_code, lad_code,
transportation, accessibility, opening_times, minimum_age, maximum_age, review_due, organization,
organization_id, source, licence, attribution, hide_exact_location, is_example``

``capitals`` and ``needs`` are lists or ``;``-separated codes; ``opening_times`` is a list of
``{"byday": "MO,TU", "opens_at": "09:00", "closes_at": "17:00"}`` or the text
``"MO,TU 09:00-17:00; SA 10:00-12:00"``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from rescomm.web.accounts.public import audit
from rescomm.web.core.batches import chunked

from . import documents
from .models import (
    Accessibility,
    Address,
    AssetKind,
    AssetStatus,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Version,
)
from .services import CAPITALS, NEEDS, ensure_taxonomies, record_version, set_terms, term_codes

FIELDS = (
    "source_id", "name", "description", "category", "asset_kind", "asset_status", "capitals",
    "needs", "address", "city", "postcode", "phone", "email", "url", "latitude", "longitude",
    "easting", "northing", "lsoa21_code", "lad_code", "transportation", "accessibility",
    "opening_times", "minimum_age", "maximum_age", "review_due", "organization",
    "organization_id", "source", "licence", "attribution", "hide_exact_location", "is_example",
)
TEXT_LIMITS = {"source_id": 200, "name": 300, "category": 60, "address": 300, "city": 100,
               "postcode": 10, "phone": 40, "organization": 300, "organization_id": 200,
               "source": 300, "licence": 100, "lsoa21_code": 9, "lad_code": 9}
_TIMES = re.compile(r"^\s*([A-Z,]+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")
_AREA_CODE = re.compile(r"^E0[0-9]{7}$")
BATCH = 500
_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


@dataclass(frozen=True)
class RecordError:
    """One problem with one record: which record (position and ``source_id``), field, message."""

    index: int
    source_id: str
    field: str
    message: str

    def __str__(self) -> str:
        who = f"record {self.index + 1}" + (f" ({self.source_id})" if self.source_id else "")
        return f"{who}: {self.field}: {self.message}"


class ImportFailed(ValueError):
    """Some records are invalid; nothing was imported. ``errors`` lists every problem."""

    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} problem(s), nothing imported:\n{shown}{more}")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    #: With ``skip_invalid``: every problem of the records that were left out.
    skipped: list[RecordError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def skipped_records(self) -> int:
        """How many records were left out (a record may have several problems)."""
        return len({e.index for e in self.skipped})


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(value, str) and not value.strip()


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _text(value) -> str:
    return "" if _blank(value) else str(value).translate(_INVISIBLE).strip()


def normalise_category(text: str) -> str:
    """A category as typed by a person ("Community centre", "walking-group ") as the slug the
    asset map stores ("community_centre", "walking_group"): accents dropped (NFKD), letters
    lower-cased, every run of other characters one underscore. Slugs pass through unchanged.
    Returns "" for text without a letter or digit (the caller reports it)."""
    from django.utils.text import slugify

    return re.sub(r"[-_]+", "_", slugify(text.replace("_", " "))).strip("_")


def _codes(value) -> list[str]:
    if _blank(value):
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[;,]", str(value))
    return sorted({str(i).strip() for i in items if str(i).strip()})


def _parse_time(text: str) -> time:
    hours, minutes = (int(p) for p in text.split(":"))
    return time(hours, minutes)  # ValueError for 25:00 or 10:61


def _opening_times(value, problems: list[tuple[str, str]]) -> list[dict]:
    if _blank(value):
        return []
    if isinstance(value, str):
        items = []
        for part in value.split(";"):
            if not part.strip():
                continue
            match = _TIMES.match(part.upper())
            if not match:
                problems.append(("opening_times", f"cannot read {part.strip()!r}: write e.g. "
                                 "'MO,TU 09:00-17:00; SA 10:00-12:00'"))
                continue
            items.append({"byday": match[1], "opens_at": match[2], "closes_at": match[3]})
    else:
        items = list(value)
    out = []
    for item in items:
        days = [d.strip().upper() for d in str(item.get("byday") or "").split(",") if d.strip()]
        bad = [d for d in days if d not in Schedule.DAYS]
        if bad or not days:
            problems.append(("opening_times", f"unknown day {bad[0] if bad else '(none)'!r}: "
                             "use MO, TU, WE, TH, FR, SA, SU"))
            continue
        try:
            opens = _parse_time(str(item.get("opens_at")))
            closes = _parse_time(str(item.get("closes_at")))
        except (ValueError, TypeError):
            problems.append(("opening_times", f"impossible time in {item!r}: use HH:MM, "
                             "00:00 to 23:59"))
            continue
        if opens >= closes:
            problems.append(("opening_times", f"closes at {closes:%H:%M}, not after it opens "
                             f"at {opens:%H:%M}"))
            continue
        days = list(dict.fromkeys(days))  # "MO,MO" once (the column holds each day once)
        out.append({"byday": ",".join(days), "opens_at": f"{opens:%H:%M}",
                    "closes_at": f"{closes:%H:%M}"})
    return out


def _number(value, name: str, problems, low: float, high: float) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append((name, f"{value!r} is not a number"))
        return None
    if not low <= number <= high:
        problems.append((name, f"{number} is outside {low} to {high}"))
        return None
    return number


def _boolean(value) -> bool:
    if _blank(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y")
    return bool(value)


def normalise_record(raw: Mapping, *, source: str) -> tuple[dict, list[tuple[str, str]]]:
    """Check one raw record; return the clean record (the shape of a version snapshot) and
    ``(field, message)`` problems."""
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(raw) - set(FIELDS) - {"status", "lsoa21_method"})
    if unknown:
        problems.append(("record", f"unknown field(s) {', '.join(map(str, unknown))}"))
    rec: dict = {}
    for name in ("source_id", "name", "description", "category", "address", "city", "phone",
                 "organization", "organization_id", "source", "licence", "attribution",
                 "transportation", "lsoa21_code", "lad_code"):
        rec[name] = _text(raw.get(name))
        limit = TEXT_LIMITS.get(name)
        if limit and len(rec[name]) > limit:
            problems.append((name, f"is longer than {limit} characters"))
    rec["source"] = rec["source"] or source
    typed = rec["category"]
    rec["category"] = normalise_category(typed)
    if typed and not rec["category"]:
        problems.append(("category", f"{typed!r} has no letters or digits: describe it in "
                         "words, for example community centre"))
    elif len(rec["category"]) > TEXT_LIMITS["category"]:
        problems.append(("category", f"is longer than {TEXT_LIMITS['category']} characters"))
    for name in ("source_id", "name"):
        if not rec[name]:
            problems.append((name, "is required"))
    for name in ("lsoa21_code", "lad_code"):
        if rec[name] and not _AREA_CODE.match(rec[name]):
            problems.append((name, f"{rec[name]!r} is not an English area code (E0...)"))
    rec["url"] = _text(raw.get("url"))
    if rec["url"]:
        if "://" not in rec["url"]:
            rec["url"] = "https://" + rec["url"]
        try:
            _url(rec["url"])
        except ValidationError:
            problems.append(("url", f"{rec['url']!r} is not a valid web address (http or https)"))
    rec["email"] = _text(raw.get("email"))
    if rec["email"]:
        try:
            _email(rec["email"])
        except ValidationError:
            problems.append(("email", f"{rec['email']!r} is not a valid email address"))
    kind = _text(raw.get("asset_kind")) or AssetKind.PLACE
    if kind not in AssetKind.values:
        problems.append(("asset_kind", f"{kind!r}: choose from {', '.join(AssetKind.values)}"))
    rec["asset_kind"] = kind
    status = _text(raw.get("asset_status") or raw.get("status")) or AssetStatus.PUBLISHED
    if status not in AssetStatus.values:
        problems.append(("asset_status",
                         f"{status!r}: choose from {', '.join(AssetStatus.values)}"))
    rec["asset_status"] = status
    for name, taxonomy in (("capitals", CAPITALS), ("needs", NEEDS)):
        codes = _codes(raw.get(name))
        bad = [c for c in codes if c not in term_codes(taxonomy)]
        if bad:
            problems.append((name, f"unknown code(s) {', '.join(bad)}; choose from "
                             f"{', '.join(term_codes(taxonomy))}"))
        rec[name] = [c for c in codes if c not in bad]
    rec["opening_times"] = _opening_times(raw.get("opening_times"), problems)
    access = raw.get("accessibility")
    rec["accessibility"] = ([] if _blank(access) else
                            [str(a) for a in access] if isinstance(access, list | tuple)
                            else [str(access).strip()])
    ages = []
    for name in ("minimum_age", "maximum_age"):
        number = _number(raw.get(name), name, problems, 0, 130)
        rec[name] = int(number) if number is not None else None
        ages.append(rec[name])
    if None not in ages and ages[0] > ages[1]:
        problems.append(("maximum_age", "is below the minimum age"))
    rec["review_due"] = None
    if not _blank(raw.get("review_due")):
        try:
            rec["review_due"] = date.fromisoformat(str(raw["review_due"])[:10]).isoformat()
        except ValueError:
            problems.append(("review_due", f"{raw['review_due']!r} is not a date (YYYY-MM-DD)"))
    rec["hide_exact_location"] = _boolean(raw.get("hide_exact_location"))
    rec["is_example"] = _boolean(raw.get("is_example"))
    _place(raw, rec, problems)
    return rec, problems


def _place(raw: Mapping, rec: dict, problems: list[tuple[str, str]]) -> None:
    """Postcode, coordinates (WGS84 and BNG, each filled from the other) and area codes."""
    from rescomm.geo import (
        GeoError,
        bng_to_wgs84,
        lookup_postcode,
        normalise_postcode,
        wgs84_to_bng,
    )

    rec["postcode"] = ""
    postcode = _text(raw.get("postcode"))
    record = None
    if postcode:
        try:
            rec["postcode"] = normalise_postcode(postcode)
        except GeoError:
            problems.append(("postcode", f"{postcode!r} is not a UK postcode"))
        else:
            try:
                record = lookup_postcode(rec["postcode"], allow_terminated=True)
            except GeoError:
                record = None  # real but outside the bundled postcodes: keep, no coordinates
    lat = _number(raw.get("latitude"), "latitude", problems, 49.0, 61.0)
    lon = _number(raw.get("longitude"), "longitude", problems, -9.0, 2.5)
    east = _number(raw.get("easting"), "easting", problems, 0, 700_000)
    north = _number(raw.get("northing"), "northing", problems, 0, 1_300_000)
    if _blank(raw.get("latitude")) != _blank(raw.get("longitude")):
        problems.append(("latitude", "give both latitude and longitude, or neither"))
    if lat is None or lon is None:
        lat = lon = None
    if _blank(raw.get("easting")) != _blank(raw.get("northing")):
        problems.append(("easting", "give both easting and northing, or neither"))
    if east is None or north is None:
        east = north = None
    if east is None and lat is not None:
        e, n = wgs84_to_bng([lon], [lat])
        east, north = float(e[0]), float(n[0])
    if lat is None and east is not None:
        lo, la = bng_to_wgs84([east], [north])
        lat, lon = float(la[0]), float(lo[0])
    if lat is None and record is not None and record.easting is not None:
        east, north = float(record.easting), float(record.northing)
        lat, lon = record.latitude, record.longitude
    rec["latitude"] = round(lat, 6) if lat is not None else None
    rec["longitude"] = round(lon, 6) if lon is not None else None
    rec["easting"] = round(east, 1) if east is not None else None
    rec["northing"] = round(north, 1) if north is not None else None
    if record is not None:
        rec["lsoa21_code"] = rec["lsoa21_code"] or (record.lsoa21_code or "")
        rec["lad_code"] = rec["lad_code"] or (record.lad_code or "")


def fingerprint(rec: dict) -> str:
    return hashlib.sha256(json.dumps(rec, sort_keys=True, default=str).encode()).hexdigest()


def _records(data) -> list[dict]:
    """Rows of a DataFrame (missing values as None) or an iterable of mappings."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(data, pd.DataFrame):
        frame = data.astype(object).where(data.notna(), None)
        return frame.to_dict("records")
    return [dict(r) if isinstance(r, Mapping) else r for r in data]


def validate(data, *, source: str) -> tuple[list[dict], list[RecordError]]:
    """Normalise every record; return the clean records and every problem."""
    indexed, errors = _validate_indexed(data, source=source)
    return [rec for _, rec in indexed], errors


def _validate_indexed(data, *, source: str) -> tuple[list[tuple[int, dict]], list[RecordError]]:
    """:func:`validate`, each record with its position in ``data`` (0-based)."""
    records, errors, seen = [], [], {}
    for index, raw in enumerate(_records(data)):
        if not isinstance(raw, Mapping):
            errors.append(RecordError(index, "", "record", "is not an object"))
            continue
        rec, problems = normalise_record(raw, source=source)
        errors.extend(RecordError(index, rec["source_id"], f, m) for f, m in problems)
        if rec["source_id"] in seen:
            errors.append(RecordError(index, rec["source_id"], "source_id",
                                      f"repeats record {seen[rec['source_id']] + 1}"))
        seen.setdefault(rec["source_id"], index)
        records.append((index, rec))
    return records, errors


def _organization(rec: dict, cache: dict) -> Organization | None:
    if not rec["organization"]:
        return None
    key = rec["organization_id"] or f"org:{rec['organization'].casefold()}"
    if key not in cache:
        org, _ = Organization.objects.update_or_create(
            source_id=key, defaults={"name": rec["organization"]}
        )
        cache[key] = org
    return cache[key]


def apply_record(service: Service, rec: dict, *, terms, organizations: dict | None = None):
    """Write a clean record onto ``service`` (saved) and its location, phone, times and tags."""
    organizations = {} if organizations is None else organizations
    for name in ("name", "description", "url", "email", "asset_kind", "category",
                 "asset_status", "minimum_age", "maximum_age", "source", "licence",
                 "attribution", "hide_exact_location", "is_example"):
        if name in rec:
            setattr(service, name, rec[name] if rec[name] is not None else
                    (None if name.endswith("_age") else ""))
    if "source_id" in rec:
        service.source_id = rec["source_id"] or None
    service.review_due = date.fromisoformat(rec["review_due"]) if rec.get("review_due") else None
    if "organization" in rec:
        service.organization = _organization(rec, organizations)
    service.full_clean(exclude=["source_id", "url", "email", "organization", "verified_by"])
    service.save()
    service.phones.all().delete()
    if rec.get("phone"):
        Phone.objects.create(service=service, number=rec["phone"])
    service.schedules.all().delete()
    Schedule.objects.bulk_create([
        Schedule(service=service, freq="WEEKLY", byday=t["byday"],
                 opens_at=_parse_time(t["opens_at"]), closes_at=_parse_time(t["closes_at"]))
        for t in rec.get("opening_times") or []
    ])
    set_terms(service, CAPITALS, rec.get("capitals") or [], terms)
    set_terms(service, NEEDS, rec.get("needs") or [], terms)
    sal = service.service_at_locations.select_related("location").first()
    if sal is None:
        location = Location(organization=service.organization)
    else:
        location = sal.location
    location.name = service.name
    for name in ("latitude", "longitude", "easting", "northing"):
        setattr(location, name, rec.get(name))
    for name in ("lsoa21_code", "lad_code", "transportation"):
        setattr(location, name, rec.get(name) or "")
    location.save()
    if sal is None:
        ServiceAtLocation.objects.create(service=service, location=location)
    location.addresses.all().delete()
    if rec.get("address") or rec.get("postcode"):
        Address.objects.create(location=location, address_1=rec.get("address") or "",
                               city=rec.get("city") or "", postal_code=rec.get("postcode") or "")
    location.accessibility.all().delete()
    Accessibility.objects.bulk_create(
        [Accessibility(location=location, description=a) for a in rec.get("accessibility") or []]
    )
    documents.refresh([service.id])
    return service


def import_assets(data, *, source: str, actor=None, reason: str = "",
                  audited: bool = True, skip_invalid: bool = False) -> ImportResult:
    """Import community assets, all or nothing (or, with ``skip_invalid``, all valid ones).

    Parameters
    ----------
    data
        A DataFrame (e.g. :func:`rescomm.data.load_assets`) or an iterable of mappings.
    source
        Where the records come from (a file name, a feed URL); used for records without their
        own ``source`` and in each version's reason.
    actor
        Request, user or None (the system), for the version history and the audit log.
    audited
        Append one audit event for the import (default). The demo load passes False, as
        ``load_demo`` does not audit loading reference data; versions are kept either way.
    skip_invalid
        Leave out every record with a problem and import the others (still in one
        transaction); the problems of the records left out are in ``result.skipped``. A
        repeated ``source_id`` leaves out the repeat, not the first record.

    Raises
    ------
    ImportFailed
        If any record is invalid and ``skip_invalid`` is false (nothing is written);
        ``errors`` has one entry per problem.
    """
    indexed, errors = _validate_indexed(data, source=source)
    if errors and not skip_invalid:
        raise ImportFailed(errors)
    bad = {e.index for e in errors}
    records = [rec for index, rec in indexed if index not in bad]
    result = ImportResult(skipped=list(errors))
    why = reason or f"import from {source}"
    with transaction.atomic():
        terms = ensure_taxonomies()
        organizations: dict = {}
        ids = [r["source_id"] for r in records]
        existing: dict[str, Service] = {}
        for chunk in chunked(ids):
            for s in Service.objects.filter(source_id__in=chunk):
                existing[s.source_id] = s
        new = []
        for rec in records:
            digest = fingerprint(rec)
            service = existing.get(rec["source_id"])
            if service is None:
                new.append((rec, digest))
                continue
            if service.import_fingerprint == digest:
                result.unchanged += 1
                continue
            service.import_fingerprint = digest
            apply_record(service, rec, terms=terms, organizations=organizations)
            record_version(service, actor=actor, action="import_update", reason=why)
            result.updated += 1
        _create_new(new, terms=terms, actor=actor, reason=why)
        result.created = len(new)
        # An organisation renamed by this import appears in its other services' documents.
        for chunk in chunked([o.pk for o in organizations.values()]):
            documents.refresh(Service.objects.filter(organization_id__in=chunk)
                              .values_list("id", flat=True))
        if audited:
            skipped = (f", {result.skipped_records} invalid record(s) skipped"
                       if result.skipped else "")
            audit(actor, "import", object_type="assets.service",
                  reason=(f"{why}: {result.created} created, {result.updated} updated, "
                          f"{result.unchanged} unchanged{skipped}")[:500])
    if result.created or result.updated:
        _refresh_planner_statistics()
    return result


def _refresh_planner_statistics() -> None:
    """After a bulk import, update PostgreSQL's table statistics for the asset tables.

    Without it the planner still believes the tables are nearly empty until autovacuum runs and
    picks nested loops that make proximity searches take seconds (measured: 1.3 s -> 0.04 s for
    one search over 10,000 assets). SQLite plans without such statistics; nothing to do there.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (Service, Location, ServiceAtLocation)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')  # noqa: S608 - table names from our models


def _organizations_for(records: list[dict]) -> dict[str, Organization]:
    """Organisations named by new records, created in bulk where missing, keyed by source id."""
    wanted = {}
    for rec in records:
        if rec["organization"]:
            key = rec["organization_id"] or f"org:{rec['organization'].casefold()}"
            wanted.setdefault(key, rec["organization"])
    found = {o.source_id: o for keys in chunked(wanted)
             for o in Organization.objects.filter(source_id__in=keys)}
    missing = [Organization(source_id=k, name=v) for k, v in wanted.items() if k not in found]
    Organization.objects.bulk_create(missing, batch_size=BATCH)
    found.update({o.source_id: o for o in missing})
    return found


def _create_new(new: list[tuple[dict, str]], *, terms, actor, reason: str) -> None:
    """Insert new assets with a few bulk inserts per table (the same rows as
    :func:`apply_record` writes, plus version 1)."""
    from .services import actor_user

    if not new:
        return
    orgs = _organizations_for([rec for rec, _ in new])
    user = actor_user(actor)
    rows: dict[type, list] = {m: [] for m in (Service, Location, ServiceAtLocation, Address,
                                              Phone, Schedule, Accessibility, Attribute, Version)}
    for rec, digest in new:
        org = None
        if rec["organization"]:
            org = orgs[rec["organization_id"] or f"org:{rec['organization'].casefold()}"]
        service = Service(
            organization=org, source_id=rec["source_id"], import_fingerprint=digest,
            review_due=date.fromisoformat(rec["review_due"]) if rec["review_due"] else None,
            **{k: rec[k] for k in ("name", "description", "url", "email", "asset_kind",
                                   "category", "asset_status", "minimum_age", "maximum_age",
                                   "source", "licence", "attribution", "hide_exact_location",
                                   "is_example")},
        )
        location = Location(
            organization=org, name=rec["name"],
            **{k: rec[k] for k in ("latitude", "longitude", "easting", "northing")},
            **{k: rec[k] or "" for k in ("lsoa21_code", "lad_code", "transportation")},
        )
        rows[Service].append(service)
        rows[Location].append(location)
        rows[ServiceAtLocation].append(ServiceAtLocation(service=service, location=location))
        if rec["address"] or rec["postcode"]:
            rows[Address].append(Address(location=location, address_1=rec["address"],
                                         city=rec["city"], postal_code=rec["postcode"]))
        if rec["phone"]:
            rows[Phone].append(Phone(service=service, number=rec["phone"]))
        rows[Schedule].extend(
            Schedule(service=service, freq="WEEKLY", byday=t["byday"],
                     opens_at=_parse_time(t["opens_at"]), closes_at=_parse_time(t["closes_at"]))
            for t in rec["opening_times"]
        )
        rows[Accessibility].extend(Accessibility(location=location, description=a)
                                   for a in rec["accessibility"])
        rows[Attribute].extend(Attribute(service=service, taxonomy_term=terms[(CAPITALS, c)])
                               for c in rec["capitals"])
        rows[Attribute].extend(Attribute(service=service, taxonomy_term=terms[(NEEDS, c)])
                               for c in rec["needs"])
        rows[Version].append(Version(service=service, number=1, action="import", actor=user,
                                     reason=reason[:500], snapshot=rec))
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=BATCH)
    documents.refresh(s.id for s in rows[Service])


def demo_records(lads: Iterable[str] | None = None, *, library_hours=None):
    """The bundled Cheshire & Merseyside assets (:func:`rescomm.data.load_assets`) as import
    records, optionally only those in the local authorities ``lads``.

    ``library_hours``: path of the Libraries Hacked UK libraries file (not bundled); when given,
    the libraries matched in it carry their staffed opening times (``opening_times``), which
    the import stores as ``Schedule`` rows.
    """
    from rescomm.data import load_assets

    frame = load_assets(library_hours=library_hours)
    if lads is not None:
        frame = frame[frame["lad_code"].isin(set(lads))]
    frame = frame.drop(columns=["lsoa21_method"]).copy()
    own = frame["category"].isin(["gp_practice", "school"])
    frame["organization"] = frame["name"].where(own, None)
    frame["organization_id"] = frame["source_id"].where(own, None)
    frame["asset_kind"] = "place"
    frame["category"] = frame["category"].astype(str)
    return frame


def import_demo_assets(lads: Iterable[str] | None = None, *, say=None, library_hours=None,
                       records=None) -> ImportResult:
    """Import the bundled assets (idempotent); used by ``load_demo``.

    ``records`` (from :func:`demo_records`) if already built, else built here with ``lads``
    and ``library_hours``.
    """
    if records is None:
        records = demo_records(lads, library_hours=library_hours)
    result = import_assets(records, source="rescomm bundled data (load_assets)", audited=False)
    if say:
        say(f"assets: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged")
        libraries = records[records["category"] == "library"]
        timed = int(libraries["opening_times"].notna().sum())
        say(f"assets: opening times for {timed} of {len(libraries)} libraries"
            + ("" if timed else " (pass --library-hours FILE to load them)"))
    return result
