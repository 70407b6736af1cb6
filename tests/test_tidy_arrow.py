"""The tidy template checked with Arrow compute (loaders/tidy_arrow.py) gives the exact reader's rows, or hands the
file to the exact reader: never a row it would not store, never a message of its own.

Each file is read twice, by the Arrow check (the size floor lowered, so small files take it) and by the
exact reader alone; the extracts and their previews must be identical, or both refused alike.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import store
from loaders import tidy_arrow
from loaders.errors import LoadError
from loaders.pipeline import read_file, store_context
from loaders.tidy import COLUMNS, REQUIRED, TEMPLATE_AREA_CODE
from store.loads import preview

# The template's own order (data/templates/tidy_template_example.csv).
ORDER = ["indicator_id", "area_code", "area_name", "period_start", "period_end", "numerator", "denominator",
         "value", "value_note"]
HEADER = ",".join(ORDER)
GOOD = [
    "length_of_stay_65,E06000014,York,2018-04-01,2018-04-30,250,900,,",
    "length_of_stay_65,E06000014,York,2018-05-01,2018-05-31,*,900,,suppressed by the trust",
    "length_of_stay_65,E06000014,,2018-06-01,2018-06-30,300,900,33.33,révisé",
    "ae_attendances_65,E06000014,Ynys Môn,2018-04-01,2018-04-30,12,1000,,",
    "ae_attendances_65,E06000014,,2018-05-01,2018-05-31,..,,,",
    "falls_admissions_65,E06000014,,2017-04-01,2018-03-31,,,2105,",
    "dtoc_18,E06000014,,2018-04-01,2018-04-30,34.07,,,",
    "length_of_stay_65,E06000014,,2018-07-01,2018-07-31,900,900,100,",
]
# One cell changed in the first good row, column by column: each is either still good or refused.
CHANGED_CELLS = {
    "numerator": ["-5", "12a", "1e400", "1e3", "+3", " 250", ".5", "5.", "0", "1e13", "NA", "1234567890123456"],
    "denominator": ["0", "-1", "abc", "1e-320", "0.0", "*", "250"],
    "value": ["101", "-1", "28.1", "27.78", "27.8", "5e400", "99999999999", "x"],
    "period_start": ["2018-02-30", "0000-01-01", "2031-01-01", "2018-4-01", "1949-12-01", "2018-05-01"],
    "period_end": ["2000-01-01", "2018-13-01", ""],
    "indicator_id": ["bed_days_99", "", "LENGTH_OF_STAY_65"],
    "area_code": ["e06000014", "E06 000014", TEMPLATE_AREA_CODE, "ZZZ", "", "=A1"],
    "area_name": ["=SUM(A1)", "<b>x</b>", "-x", "x" * 1001, " York", "York\u00a0", "@x", "-"],
    "value_note": ["=1+1", "<script>", "-", "x" * 1001, "+note", "-3", "\u3000note"],
}


@pytest.fixture(scope="module")
def con(bundled_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("tidy_arrow") / "pbip.duckdb"
    shutil.copyfile(bundled_db, path)
    connection = store.connect(path)
    yield connection
    connection.close()


def _outcome(con, path, *, arrow_first: bool, monkeypatch):
    monkeypatch.setattr(tidy_arrow, "MIN_BYTES", 0 if arrow_first else 1 << 60)
    try:
        extract = read_file(path, store_context(con))
    except LoadError as error:
        return "refused", str(error)
    shown = preview(con, extract)
    return extract, shown


def _same(con, path, monkeypatch) -> bool:
    """Both readers agree on `path`; True when the Arrow check took the file itself."""
    exact = _outcome(con, path, arrow_first=False, monkeypatch=monkeypatch)
    checked = _outcome(con, path, arrow_first=True, monkeypatch=monkeypatch)
    if exact[0] == "refused":
        assert checked == exact
        return False
    for mine, theirs in [(checked[0].observations, exact[0].observations), (checked[1].observations,
                                                                          exact[1].observations),
                         (checked[1].summary, exact[1].summary)]:
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    return checked[0].validated


def _write(path, rows, header=HEADER, end="\n", mark=b""):
    path.write_bytes(mark + end.join([header, *rows, ""]).encode("utf-8"))
    return path


class TestSameRowsAsTheExactReader:
    def test_plain_files_are_taken_by_the_arrow_check_with_identical_rows_and_preview(self, con, tmp_path, monkeypatch):
        """LF, CRLF, a byte-order mark, columns in another order, optional columns left out."""
        shuffled = ",".join(reversed(ORDER))
        files = [_write(tmp_path / "lf.csv", GOOD), _write(tmp_path / "crlf.csv", GOOD, end="\r\n"),
                 _write(tmp_path / "bom.csv", GOOD, mark=b"\xef\xbb\xbf"),
                 _write(tmp_path / "shuffled.csv", [",".join(reversed(row.split(","))) for row in GOOD],
                        header=shuffled),
                 _write(tmp_path / "short.csv", [",".join(row.split(",")[:7]) for row in GOOD[:2]],
                        header=",".join(ORDER[:7])),
                 _write(tmp_path / "unsorted.csv", list(reversed(GOOD)))]
        (tmp_path / "no_last_line_end.csv").write_bytes("\n".join([HEADER, *GOOD]).encode("utf-8"))
        files.append(tmp_path / "no_last_line_end.csv")
        assert [_same(con, path, monkeypatch) for path in files] == [True] * len(files)

    @pytest.mark.parametrize("column,cell", [(column, cell) for column, cells in CHANGED_CELLS.items()
                                             for cell in cells])
    def test_one_changed_cell_gives_the_exact_readers_outcome(self, con, tmp_path, monkeypatch, column, cell):
        """Taken or not, the rows (or the messages) are the exact reader's."""
        cells = GOOD[0].split(",")
        cells[ORDER.index(column)] = cell
        _same(con, _write(tmp_path / "changed.csv", [",".join(cells), *GOOD[1:]]), monkeypatch)

    @pytest.mark.parametrize("name,body", [
        ("repeat", "\n".join([HEADER, *GOOD, GOOD[0]])),
        ("blank_line", "\n".join([HEADER, GOOD[0], "", *GOOD[1:]])),
        ("ragged", "\n".join([HEADER, *GOOD, GOOD[0] + ",x"])),
        ("short_row", "\n".join([HEADER, *GOOD, GOOD[0].rsplit(",", 1)[0]])),
        ("repeat_far_apart", "\n".join([HEADER, GOOD[1], *GOOD, GOOD[4]])),
        ("quoted", "\n".join([HEADER, GOOD[0].replace(",York,", ',"York, North",'), *GOOD[1:]])),
        ("title", "\n".join(["A title", HEADER, *GOOD])),
        ("semicolons", "\n".join(line.replace(",", ";") for line in [HEADER, *GOOD])),
        ("header_only", HEADER),
        ("lone_cr", "\r".join([HEADER, *GOOD])),
        ("extra_column", "\n".join([HEADER + ",extra", *(row + ",1" for row in GOOD)])),
        ("spaced_header", "\n".join([HEADER.replace(",value,", ", value,"), *GOOD])),
    ])
    def test_an_unusual_file_gives_the_exact_readers_outcome(self, con, tmp_path, monkeypatch, name, body):
        path = tmp_path / f"{name}.csv"
        path.write_text(body + "\n", encoding="utf-8")
        assert not _same(con, path, monkeypatch)

    def test_a_windows_1252_file_is_the_exact_readers(self, con, tmp_path, monkeypatch):
        path = tmp_path / "cp1252.csv"
        path.write_bytes("\n".join([HEADER, *GOOD[:2], GOOD[3]]).encode("cp1252") + b"\n")
        assert not _same(con, path, monkeypatch)


def test_every_character_the_exact_reader_trims_is_one_the_arrow_check_leaves_to_it():
    """A cell starting or ending with any character pyarrow's trim removes goes to the exact reader."""
    points = [point for point in range(0x110000) if not 0xD800 <= point <= 0xDFFF]
    cells = pa.array(["a" + chr(point) for point in points])
    trimmed = [chr(point) for point, cell in zip(points, pc.utf8_trim_whitespace(cells).to_pylist(), strict=True)
               if cell == "a"]
    kept_out = re.compile("[" + re.sub(r"\\x\{([0-9A-F]+)\}", lambda found: f"\\U{int(found[1], 16):08x}",
                                       tidy_arrow.TRIMMED) + "]")
    assert trimmed and all(kept_out.fullmatch(char) for char in trimmed)


def test_the_template_order_holds_every_column():
    assert set(ORDER) == set(COLUMNS) and set(REQUIRED) <= set(ORDER)
