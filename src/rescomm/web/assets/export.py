"""Every published asset as Open Referral UK JSON or as import-format CSV (``rescomm assets
export``); both import back through :func:`rescomm.web.assets.importer.import_assets`.

Both read in bounded batches (:mod:`rescomm.web.core.batches`), so the number of assets is not
limited by the database's expression or parameter limits, and write to an open text handle:
the command line writes to a temporary file and renames it only when everything was written.
"""

from __future__ import annotations

import csv
from typing import TextIO

from rescomm.web.core.batches import in_batches

from . import documents, oruk
from .importer import FIELDS
from .models import AssetStatus, Service
from .services import snapshot

#: Rows read from the database per fetch of stored documents.
FETCH = 1000


def _published():
    return Service.objects.filter(asset_status=AssetStatus.PUBLISHED).order_by("name", "id")


def write_oruk_json(handle: TextIO) -> int:
    """Write a JSON list of the fully nested ORUK services (what ``/api/oruk/services/{id}``
    returns: the stored documents, built now for an asset that has none yet), one a line, by
    name; return how many."""
    count = 0
    handle.write("[")
    rows = _published().values_list("oruk_document", "id").iterator(chunk_size=FETCH)
    for document, pk in rows:
        if not document:
            document = documents.dumps(oruk.service(
                oruk.with_relations(Service.objects).get(pk=pk)))
        handle.write(("\n" if count == 0 else ",\n") + document)
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def csv_row(service: Service) -> dict:
    """One asset in the import format (lists joined as the importer reads them)."""
    row = snapshot(service)
    row["capitals"] = ";".join(row["capitals"])
    row["needs"] = ";".join(row["needs"])
    row["accessibility"] = "; ".join(row["accessibility"])
    row["opening_times"] = "; ".join(
        f"{t['byday']} {t['opens_at']}-{t['closes_at']}" for t in row["opening_times"])
    return row


def write_csv(handle: TextIO) -> int:
    """Write every published asset as a CSV row in the import format, by name; return how
    many."""
    writer = csv.DictWriter(handle, fieldnames=list(FIELDS))
    writer.writeheader()
    count = 0
    for service in in_batches(oruk.with_relations(_published())):
        writer.writerow(csv_row(service))
        count += 1
    return count
