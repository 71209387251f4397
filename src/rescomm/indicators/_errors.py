"""Errors of the indicator store's core: one line naming the file, the row and the column."""

from __future__ import annotations


class IndicatorFileError(ValueError):
    """An indicator file or metadata file that cannot be loaded; nothing is loaded from it.

    Attributes
    ----------
    path : str
        The file.
    line : int or None
        The line of the file (1 is the header), if one row is at fault.
    column : str or None
        The column (as the file spells it) or metadata key at fault, if any.
    """

    def __init__(self, message: str, *, path: str, line: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column


class IndicatorWarning(UserWarning):
    """Rows of a file left out on purpose (the message counts them and says why)."""
