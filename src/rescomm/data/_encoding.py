"""Text files in the wrong encoding: find the first byte that does not decode, and say where.

Files people export from spreadsheets are often not UTF-8 (Excel's "CSV" on Windows is
Windows-1252, ``cp1252``). Readers that expect UTF-8 report such a file with one line naming the
file, the line and the byte, instead of Python's "can't decode byte 0xe9 in position 91" (a
position in an internal buffer, not in the file).
"""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

#: Bytes read at a time while looking for the first undecodable byte.
_CHUNK = 1 << 20
#: What the message tells people to do, unless the caller says otherwise.
FIX = ("save it as UTF-8, or give the encoding it was saved in (e.g. cp1252, which Excel uses "
       "for CSV on Windows)")
#: The same advice under its public name, for callers that word it for their own users.
ENCODING_ADVICE = FIX


class FileEncodingError(ValueError):
    """A text file does not decode with the encoding it was read with.

    Attributes
    ----------
    path : str
        The file.
    encoding : str
        The encoding tried, e.g. ``"utf-8"``.
    line : int
        The 1-based line of the first byte that does not decode.
    offset : int
        That byte's 0-based offset in the (uncompressed) file.
    byte : int
        Its value, e.g. ``0xe9`` (``é`` in Windows-1252).
    """

    def __init__(self, path: str | Path, encoding: str, *, line: int, offset: int,
                 byte: int, fix: str = FIX) -> None:
        self.path, self.encoding = str(path), encoding
        self.line, self.offset, self.byte = line, offset, byte
        label = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
        super().__init__(f"{path} is not {label} text (line {line}: byte 0x{byte:02x} at "
                         f"offset {offset}); {fix}")


def _open(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def find_encoding_error(path: str | Path, encoding: str = "utf-8", *,
                        fix: str = FIX) -> FileEncodingError | None:
    """The error for the first byte of ``path`` that does not decode as ``encoding``, or None;
    ``fix`` ends its message (what to do).

    Reads the file in 1 MB chunks (``.gz`` files decompressed), so it works on files of any
    size; meant for the error path of readers that decode in their own buffers (pandas).

    Raises
    ------
    LookupError
        ``encoding`` is not an encoding Python knows.
    """
    path = Path(path)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, lines = 0, 0
    with _open(path) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                # the decoder decodes what it kept from the last chunk (an unfinished
                # multi-byte character) followed by this chunk
                buffer = exc.object
                kept = len(buffer) - len(chunk)
                lines += buffer.count(b"\n", kept, max(kept, exc.start))
                return FileEncodingError(path, encoding, line=lines + 1,
                                         offset=offset - kept + exc.start, byte=buffer[exc.start],
                                         fix=fix)
            if final:
                return None
            lines += chunk.count(b"\n")
            offset += len(chunk)


def read_text_file(path: str | Path, *, encoding: str = "utf-8", fix: str = FIX) -> str:
    """The whole text of ``path`` decoded as ``encoding`` (a UTF-8 byte-order mark is dropped);
    ``fix`` ends the message of a :class:`FileEncodingError`.

    Raises
    ------
    FileEncodingError
        A byte does not decode; the message names the line, the byte and the fix.
    LookupError
        ``encoding`` is not an encoding Python knows.
    OSError
        The file cannot be read.
    """
    path = Path(path)
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileEncodingError(path, encoding.removesuffix("-sig"),
                                line=data.count(b"\n", 0, exc.start) + 1, offset=exc.start,
                                byte=data[exc.start], fix=fix) from None
