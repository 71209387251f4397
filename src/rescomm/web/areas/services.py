"""State changes for geography reference data: loading the bundled Cheshire & Merseyside data.

:func:`load_demo` writes everything in one database transaction: interrupted or failing, it leaves
the previous data untouched; repeated with the same bundle, it only compares a checksum.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from rescomm import data as bundled

from .boundaries import geojson_from_wkb
from .models import (
    IMD_EDITION,
    DataLoad,
    Deprivation,
    ImdDomain,
    LocalAuthority,
    Lsoa11Successor,
    Lsoa21,
)

#: Bump when the shape of the stored data changes, so that existing databases reload.
LOADER_VERSION = "1"
DEMO_LOAD_NAME = "cm-demo"
BATCH_SIZE = 500

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_demo` did: ``loaded`` is False when the data were already up to date."""

    loaded: bool
    checksum: str
    scope: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class UnknownLocalAuthorityError(ValueError):
    """A local authority code outside the bundled Cheshire & Merseyside data was requested."""


def bundle_checksum(lads: Sequence[str], library_hours_sha256: str | None = None) -> str:
    """SHA-256 of the bundle MANIFEST, the loader version and the local authorities loaded,
    and of the library opening-hours file's SHA-256 when one is loaded too."""
    digest = hashlib.sha256()
    digest.update((bundled.BUNDLED_DIR / "MANIFEST.json").read_bytes())
    digest.update(f"\nloader={LOADER_VERSION}\nlads={','.join(sorted(lads))}".encode())
    if library_hours_sha256:
        digest.update(f"\nlibrary_hours={library_hours_sha256}".encode())
    return digest.hexdigest()


def current_load() -> DataLoad | None:
    """The demo data load in the database, or None if nothing has been loaded."""
    return DataLoad.objects.filter(name=DEMO_LOAD_NAME).first()


def load_demo(
    *,
    progress: ProgressCallback | None = None,
    force: bool = False,
    lads: Iterable[str] | None = None,
    library_hours: str | Path | None = None,
) -> LoadResult:
    """Load the bundled Cheshire & Merseyside reference data into the database.

    Parameters
    ----------
    progress
        Called with one line of text per stage and batch (stage name and counts).
    force
        Reload even if the same bundle version is already loaded.
    lads
        Local authority codes to load (default: all nine C&M authorities); used to load a subset,
        e.g. in tests.
    library_hours
        Path of the Libraries Hacked UK libraries file (not bundled: its licence is not
        stated), to give the libraries their staffed opening times as ``Schedule`` rows. Its
        SHA-256 is part of the checksum: loading another file, or none, reloads.

    Returns
    -------
    LoadResult
        ``loaded=False`` when the same bundle version and scope were already loaded.

    Raises
    ------
    UnknownLocalAuthorityError
        If ``lads`` names an authority that is not in the bundle.
    FileNotFoundError, rescomm.data.AssetFileError, rescomm.data.OpeningHoursError
        If ``library_hours`` is missing or unreadable (nothing is written).
    """
    started = time.monotonic()
    say = progress or (lambda line: None)
    scope = _validated_scope(lads)
    hours_sha256 = None
    if library_hours is not None:
        library_hours = Path(library_hours)
        if not library_hours.is_file():
            raise FileNotFoundError(f"library opening-hours file {library_hours} not found: "
                                    "give the path of the Libraries Hacked libraries CSV")
        hours_sha256 = hashlib.sha256(library_hours.read_bytes()).hexdigest()
    checksum = bundle_checksum(scope, hours_sha256)

    existing = current_load()
    if existing is not None and existing.checksum == checksum and not force:
        say(f"up to date: bundle {checksum[:12]} already loaded on {existing.loaded_at:%Y-%m-%d}")
        return LoadResult(False, checksum, scope, dict(existing.counts), time.monotonic() - started)

    say(f"reading bundle {checksum[:12]} for {len(scope)} local authorities")
    from rescomm.web.assets.public import demo_records, import_demo_assets

    assets = demo_records(scope, library_hours=library_hours)  # a bad hours file stops here
    rows = _bundle_rows(scope)
    counts = {name: len(objs) for name, objs in rows.items()}

    with transaction.atomic():
        say("removing previous data")
        Deprivation.objects.all().delete()
        Lsoa21.objects.all().delete()
        LocalAuthority.objects.all().delete()
        Lsoa11Successor.objects.all().delete()
        DataLoad.objects.filter(name=DEMO_LOAD_NAME).delete()
        for name, model in (
            ("local_authorities", LocalAuthority),
            ("lsoa21", Lsoa21),
            ("deprivation", Deprivation),
            ("lsoa11_successors", Lsoa11Successor),
        ):
            _bulk_create(model, rows[name], stage=name, say=say)
        DataLoad.objects.create(
            name=DEMO_LOAD_NAME, checksum=checksum, scope=list(scope), counts=counts
        )
        import_demo_assets(scope, say=say, records=assets)  # idempotent, same transaction
    seconds = time.monotonic() - started
    say(f"done: {counts['lsoa21']:,} LSOAs loaded in {seconds:.1f} s")
    return LoadResult(True, checksum, scope, counts, seconds)


def _validated_scope(lads: Iterable[str] | None) -> tuple[str, ...]:
    known = bundled.CM_LOCAL_AUTHORITIES
    if lads is None:
        return tuple(sorted(known))
    scope = tuple(sorted({code.strip().upper() for code in lads}))
    unknown = [code for code in scope if code not in known]
    if unknown or not scope:
        choices = ", ".join(f"{code} ({name})" for code, name in sorted(known.items()))
        raise UnknownLocalAuthorityError(
            f"not in the bundled data: {', '.join(unknown) or 'no authority given'}; "
            f"choose from {choices}"
        )
    return scope


def _bulk_create(model, objects: list, *, stage: str, say: ProgressCallback) -> None:
    """Insert in batches of :data:`BATCH_SIZE`, reporting progress about five times a stage."""
    total = len(objects)
    step = max(BATCH_SIZE, -(-total // 5))
    for start in range(0, total, step):
        model.objects.bulk_create(objects[start : start + step], batch_size=BATCH_SIZE)
        say(f"{stage}: {min(start + step, total):,}/{total:,}")
    if total == 0:
        say(f"{stage}: 0/0")


def _age_band_label(column: str) -> str:
    # age_4_under -> 0-4, age_5_9 -> 5-9, age_85_plus -> 85+
    parts = column.removeprefix("age_").split("_")
    if parts[-1] == "under":
        return f"0-{parts[0]}"
    if parts[-1] == "plus":
        return f"{parts[0]}+"
    return f"{parts[0]}-{parts[1]}"


def _bundle_rows(scope: Sequence[str]) -> dict[str, list]:
    """Model instances (unsaved) for every table, built before the write transaction starts."""
    lookup = bundled.load_lsoa21_lookup()
    lookup = lookup[lookup["lad_code"].isin(scope)]
    boundaries = bundled.load_boundaries_table(2021)
    boundaries = boundaries[boundaries["lsoa21_code"].isin(lookup["lsoa21_code"])]
    imd = bundled.load_imd(IMD_EDITION).set_index("lsoa21_code")
    population = bundled.load_population(2021).set_index("lsoa21_code")
    age_columns = [c for c in population.columns if c.startswith("age_")]
    areas = lookup.set_index("lsoa21_code")

    authorities = [
        LocalAuthority(code=code, name=bundled.CM_LOCAL_AUTHORITIES[code]) for code in scope
    ]
    lsoas, deprivation = [], []
    for code, wkb in zip(boundaries["lsoa21_code"], boundaries["geometry_wkb"], strict=True):
        area = areas.loc[code]
        geojson, latitude, longitude = geojson_from_wkb(wkb)
        people = population.loc[code] if code in population.index else None
        lsoas.append(
            Lsoa21(
                code=code,
                name=area["lsoa21_name"],
                local_authority_id=area["lad_code"],
                msoa_code=area["msoa21_code"],
                msoa_name=area["msoa21_name"],
                ward_code=area["ward_code"],
                ward_name=area["ward_name"],
                icb_code=area["icb_code"],
                icb_name=area["icb_name"],
                region_code=area["region_code"],
                region_name=area["region_name"],
                urban_rural=area["urban_rural"],
                population=None if people is None else int(people["population"]),
                population_by_age=[]
                if people is None
                else [{"band": _age_band_label(c), "count": int(people[c])} for c in age_columns],
                boundary=geojson,
                centroid_latitude=latitude,
                centroid_longitude=longitude,
            )
        )
        if code in imd.index:
            scores = imd.loc[code]
            deprivation.extend(
                Deprivation(
                    lsoa_id=code,
                    edition=IMD_EDITION,
                    domain=domain.value,
                    score=float(scores[f"{domain.value}_score"]),
                    rank=int(scores[f"{domain.value}_rank"]),
                    decile=int(scores[f"{domain.value}_decile"]),
                )
                for domain in ImdDomain
            )

    changes = bundled.load_lsoa11_lsoa21_lookup()
    changes = changes[changes["lad_code"].isin(scope)]
    successors = [
        Lsoa11Successor(lsoa11_code=old, lsoa21_code=new, change=change)
        for old, new, change in zip(
            changes["lsoa11_code"], changes["lsoa21_code"], changes["change_code"], strict=True
        )
    ]
    return {
        "local_authorities": authorities,
        "lsoa21": lsoas,
        "deprivation": deprivation,
        "lsoa11_successors": successors,
    }
