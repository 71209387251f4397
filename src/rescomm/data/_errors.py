"""Errors raised by the data layer."""


class DataFileMissingError(FileNotFoundError):
    """A data file rescomm needs is not where it should be; the message names it and the fix."""
