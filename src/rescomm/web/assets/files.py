"""Reading import files: CSV (one record a row) and JSON (records, or an ORUK/HSDS export).

JSON may be a list of flat records, an HSDS page ``{"contents": [...]}``, or a list of HSDS
services (recognised by a ``status`` of ``active``/``inactive``/... or nested
``service_at_locations``/``organization``), each turned into a flat record by
:func:`record_from_oruk`. Malformed files raise :class:`FileProblem` with a clear message.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

from rescomm.data import FileEncodingError, read_text_file

MAX_BYTES = 50 * 1024 * 1024
UTF8_ONLY = "save it as UTF-8 (JSON is always UTF-8)"
ORUK_STATUSES = {"active": "published", "inactive": "hidden", "defunct": "closed",
                 "temporarily closed": "hidden"}


class FileProblem(ValueError):
    """The file cannot be read as records (nothing was imported)."""


def read_records(path: str | Path, *, encoding: str | None = None) -> list[dict]:
    """Records from a ``.csv`` or ``.json`` file (see the module docstring).

    Text is UTF-8 (a byte-order mark allowed); a CSV may be read in another ``encoding``
    (e.g. ``cp1252``, Excel's "CSV" on Windows). JSON is always UTF-8 (RFC 8259).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json"}:
        raise FileProblem(f"{path.name}: use a .csv or .json file")
    if suffix == ".json" and encoding and codecs.lookup(encoding).name != "utf-8":
        raise FileProblem(f"{path.name}: JSON is always UTF-8; the encoding is for CSV files")
    if path.stat().st_size > MAX_BYTES:
        raise FileProblem(f"{path.name} is larger than {MAX_BYTES // 1024 // 1024} MB")
    fix = (UTF8_ONLY if suffix == ".json" else
           "save it as UTF-8, or give the encoding it was saved in (--encoding cp1252 for "
           "Excel's CSV on Windows)")
    try:
        text = read_text_file(path, encoding=encoding or "utf-8", fix=fix)
    except FileEncodingError as exc:
        raise FileProblem(str(exc).replace(str(path), path.name, 1)) from None
    if suffix == ".csv":
        return records_from_csv(text)
    return records_from_json(text, name=path.name)


def records_from_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise FileProblem("the CSV file has no header row")
    return [{k: v for k, v in row.items() if k is not None} for row in reader]


def records_from_json(text: str, *, name: str = "JSON") -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                          f"column {exc.colno}") from exc
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    if not isinstance(data, list):
        raise FileProblem(f"{name}: expected a list of records or an ORUK page with 'contents'")
    out = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise FileProblem(f"{name}: record {index + 1} is not an object")
        out.append(record_from_oruk(item) if _is_oruk(item) else item)
    return out


def _is_oruk(item: dict) -> bool:
    return (item.get("status") in ORUK_STATUSES or "service_at_locations" in item
            or "organization" in item and isinstance(item.get("organization"), dict))


def _schedule_text(schedules) -> str:
    parts = []
    for s in schedules or []:
        if not isinstance(s, dict):
            continue
        days = str(s.get("byday") or "").upper()
        opens, closes = str(s.get("opens_at") or "")[:5], str(s.get("closes_at") or "")[:5]
        if days and opens and closes:
            parts.append(f"{days} {opens}-{closes}")
    return "; ".join(parts)


def _plain(html) -> str:
    """Text of an HTML fragment (feeds often put HTML in descriptions)."""
    from html import unescape

    from django.utils.html import strip_tags

    text = unescape(strip_tags(str(html or "").replace("</p>", "</p>\n")))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def record_from_oruk(service: dict) -> dict:
    """A flat import record from one HSDS 3.0 / ORUK service (nested or not).

    The ``source_id`` is ``oruk:<service id>``, so re-importing the same feed updates records.
    """
    rec: dict = {
        "source_id": f"oruk:{service.get('id')}" if service.get("id") else "",
        "name": service.get("name") or "",
        "description": _plain(service.get("description")),
        "url": service.get("url") or "",
        "email": service.get("email") or "",
        "asset_kind": "service",
        "asset_status": ORUK_STATUSES.get(str(service.get("status")), "published"),
        "minimum_age": service.get("minimum_age"),
        "maximum_age": service.get("maximum_age"),
        "opening_times": _schedule_text(service.get("schedules")),
    }
    org = service.get("organization")
    if isinstance(org, dict) and org.get("name"):
        rec["organization"] = org["name"]
        if org.get("id"):
            rec["organization_id"] = f"oruk:{org['id']}"
    phones = [p for p in service.get("phones") or [] if isinstance(p, dict)]
    if phones:
        rec["phone"] = phones[0].get("number") or ""
    sals = [s for s in service.get("service_at_locations") or [] if isinstance(s, dict)]
    location = next((s.get("location") for s in sals if isinstance(s.get("location"), dict)),
                    None)
    if location:
        rec["latitude"] = location.get("latitude")
        rec["longitude"] = location.get("longitude")
        addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
        if addresses:
            a = addresses[0]
            rec["address"] = ", ".join(x for x in (a.get("address_1"), a.get("address_2")) if x)
            rec["city"] = a.get("city") or ""
            rec["postcode"] = a.get("postal_code") or ""
        access = [a.get("description") for a in location.get("accessibility") or []
                  if isinstance(a, dict) and a.get("description")]
        if access:
            rec["accessibility"] = access
        if not rec["opening_times"]:
            rec["opening_times"] = _schedule_text(location.get("schedules"))
    return rec
