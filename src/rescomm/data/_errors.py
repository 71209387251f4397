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
