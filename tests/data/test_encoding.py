"""Files in the wrong encoding are reported by line and byte, not by a buffer position."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from rescomm import data
from rescomm.data import FileEncodingError, find_encoding_error, read_text_file
from rescomm.data._encoding import _CHUNK


def test_the_first_undecodable_byte_is_named_by_line_and_file_offset(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("code,name\nE01006412,Caf\xe9\n".encode("cp1252"))
    problem = find_encoding_error(path)
    assert (problem.line, problem.offset, problem.byte) == (2, 23, 0xE9)
    assert str(problem).startswith(f"{path} is not UTF-8 text (line 2: byte 0xe9 at offset 23)")
    assert "cp1252" in str(problem)


def test_the_offset_is_in_the_file_across_chunks_and_inside_gzip(tmp_path):
    # a good two-byte character straddles the first chunk boundary; the bad byte comes later
    raw = b"a,b\n" + b"x" * (_CHUNK - 5) + "é".encode() + b"\n" * 3 + b"bad \xe9 here\n"
    expected = (raw[:raw.index(b"\xe9 here")].count(b"\n") + 1, raw.index(b"\xe9 here"))
    plain, packed = tmp_path / "big.csv", tmp_path / "big.csv.gz"
    plain.write_bytes(raw)
    packed.write_bytes(gzip.compress(raw))
    for path in (plain, packed):
        problem = find_encoding_error(path)
        assert (problem.line, problem.offset) == expected


def test_a_character_cut_off_by_the_end_of_the_file_is_found(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(b"ok\n\xc3")
    problem = find_encoding_error(path)
    assert (problem.line, problem.offset, problem.byte) == (2, 3, 0xC3)


def test_a_file_that_decodes_has_no_problem(tmp_path):
    path = tmp_path / "fine.csv"
    path.write_bytes("é\n".encode())
    assert find_encoding_error(path) is None
    assert find_encoding_error(path, "cp1252") is None


def test_read_text_file_drops_a_byte_order_mark_and_reads_other_encodings(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfname\nCaf\xc3\xa9\n")
    assert read_text_file(path) == "name\nCafé\n"
    path.write_bytes("name\nCafé\n".encode("cp1252"))
    assert read_text_file(path, encoding="cp1252") == "name\nCafé\n"
    with pytest.raises(FileEncodingError, match=r"line 2: byte 0xe9 at offset 8\); fix it"):
        read_text_file(path, fix="fix it")


def test_an_official_indicator_file_in_the_wrong_encoding_is_one_line(tmp_path):
    from rescomm.data._indicators import SOURCES, _read

    source = next(s for s in SOURCES if s.key == "loneliness")
    header = ",".join([source.code, *source.columns])
    path = tmp_path / "file.csv"
    path.write_bytes(f"{header}\nE0100\xe9".encode("latin-1"))
    with pytest.raises(data.IndicatorFileError, match=r"is not UTF-8 text \(line 2: byte 0xe9"):
        _read(path, source)


def test_an_onspd_file_in_the_wrong_encoding_is_one_line(tmp_path):
    path = tmp_path / "onspd.csv"
    pd.DataFrame({"pcds": ["L1 8JQ"], "oseast1m": ["334469"], "osnrth1m": ["390202"],
                  "oslaua": ["E08000012"], "lsoa11": ["E01033756"]}).to_csv(path, index=False)
    path.write_bytes(path.read_bytes() + "L1 8JQ,1,2,Caf\xe9,x\n".encode("cp1252"))
    with pytest.raises(data.DataFormatError,
                       match=r"onspd.csv is not UTF-8 text \(line 3: .*as ONS publishes it"):
        data.read_onspd(path)
