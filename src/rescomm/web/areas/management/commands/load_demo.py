"""``load_demo``: load the bundled Cheshire & Merseyside reference data (one transaction)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rescomm.data import AssetFileError, OpeningHoursError
from rescomm.web.areas import services


class Command(BaseCommand):
    help = (
        "Load the bundled Cheshire & Merseyside LSOA 2021 areas, Census 2021 population and "
        "IMD 2025 into the database, in one transaction. Does nothing if this bundle version "
        "is already loaded (use --force to reload). Then publishes the demo indices (IMD 2025 "
        "with 200 Monte Carlo runs, and the resilience frameworks when available) to /index/, "
        "unless they are already current; and loads the bundled real time series (OHID "
        "Fingertips, ONS Explore Local Statistics, ONS LSOA population) into the indicator "
        "store, one release per file unless already stored."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Reload even if this version is loaded."
        )
        parser.add_argument(
            "--lad",
            action="append",
            dest="lads",
            metavar="CODE",
            help="Load only this local authority (repeatable), e.g. --lad E08000012.",
        )
        parser.add_argument(
            "--library-hours",
            metavar="FILE",
            help="Give the libraries their staffed opening times from this Libraries Hacked "
            "UK libraries CSV (not bundled; e.g. "
            "../shared/data/assets/libraries_uk_librarieshacked_schema.csv).",
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="Do not publish the demo indices (IMD 2025, ...) to the index pages.",
        )

    def handle(self, *args, force=False, lads=None, no_index=False, library_hours=None,
               **options):
        verbosity = options.get("verbosity", 1)

        def progress(line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(f"load_demo: {line}")
                self.stdout.flush()

        try:
            result = services.load_demo(progress=progress, force=force, lads=lads,
                                        library_hours=library_hours)
        except (services.UnknownLocalAuthorityError, FileNotFoundError, AssetFileError,
                OpeningHoursError) as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            status = "loaded" if result.loaded else "already up to date"
            self.stdout.write(
                self.style.SUCCESS(
                    f"load_demo: {status} (bundle {result.checksum[:12]}, "
                    f"{result.counts.get('lsoa21', 0):,} LSOAs)"
                )
            )
        if not no_index:
            self._publish_indices(force=force, progress=progress)
        from rescomm.web.profiles.public import load_demo_indicators

        load_demo_indicators(progress=lambda line: progress(f"indicators {line}"))

    def _publish_indices(self, *, force: bool, progress) -> None:
        """Publish the demo indices (``insight.publish.DEMO_FRAMEWORKS``; idempotent)."""
        from rescomm.web.insight.public import publish_demo

        publish_demo(force=force, progress=lambda line: progress(f"index {line}"))
