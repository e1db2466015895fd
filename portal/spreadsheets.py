"""Every spreadsheet the portal writes, .xlsx or CSV, goes through here, so that text a
person typed is never run as a formula by whoever opens the file (OWASP: CSV injection).

- CSV has no cell types: text that starts like a formula gets an apostrophe in front, which
  Excel and LibreOffice show as text and do not run.
- In .xlsx openpyxl would write text starting with "=" as a formula; here such text is a
  string cell (data type "s") whose style has the quote prefix, so that Excel keeps it text
  even when someone edits the cell. The value itself is unchanged, so the plan's file still
  reads back exactly on import.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# The characters a spreadsheet takes as the start of a formula (= + - @), and tab and
# carriage return, which some of them skip before looking for one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(sheet: Worksheet, value: str) -> Cell:
    """A cell that holds ``value`` as text, whatever it starts with."""
    cell = Cell(sheet)
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, with text that starts like a formula kept as text."""
    sheet.append([text_cell(sheet, v) if starts_like_formula(v) else v for v in values])


def xlsx_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_value(value: object) -> object:
    """None as an empty cell; text that starts like a formula behind an apostrophe."""
    if value is None:
        return ""
    if starts_like_formula(value):
        return "'" + str(value)
    return value


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]], *, delimiter: str = ";") -> str:
    """The rows as CSV, semicolon-separated by default because Swedish Excel expects that,
    behind a byte-order mark so that Excel opens the file as UTF-8 (å, ä, ö)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([csv_value(value) for value in header])
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return "\ufeff" + buffer.getvalue()
