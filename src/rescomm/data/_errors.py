"""Errors raised by the data layer."""

from __future__ import annotations


class DataFileMissingError(FileNotFoundError):
    """A data file rescomm needs is not where it should be; the message names it and the fix."""


class AssetFileError(ValueError):
    """An asset file is not in a layout rescomm can read (e.g. a required column is missing).

    Attributes
    ----------
    path : str
        The file.
    column : str or None
        The missing column (canonical name), if that is the problem.
    """

    def __init__(self, message: str, *, path: str, column: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.column = column


class IndicatorFileError(ValueError):
    """An indicator input file is missing, lacks a column, or holds the wrong geography.

    Attributes
    ----------
    path : str
        The file (or folder searched).
    column : str or None
        The column at fault, if any.
    """

    def __init__(self, message: str, *, path: str, column: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.column = column


class AssetCoordinateError(ValueError):
    """Asset coordinates outside Great Britain (usually swapped axes or the wrong CRS).

    Attributes
    ----------
    path : str
        The file the coordinates came from.
    count : int
        How many rows are outside.
    first : tuple
        ``(row identifier, x, y)`` of the first offending row.
    """

    def __init__(self, message: str, *, path: str, count: int, first: tuple) -> None:
        super().__init__(message)
        self.path = path
        self.count = count
        self.first = first


class OpeningHoursError(ValueError):
    """An opening-hours value that cannot be read; the message names the row, column and fix.

    Attributes
    ----------
    path : str
        The file.
    line : int
        Line of the file holding the record (1 is the header).
    column : str
        The column, as the file spells it.
    value : str
        The value as written.
    """

    def __init__(self, message: str, *, path: str, line: int, column: str, value: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.value = value


class OpeningHoursWarning(UserWarning):
    """Values that could not be read were left out (``errors="skip"``); the message counts them
    and shows the first."""
