"""Broken and hostile .xlsx files for the import's tests, made from a plan's own export."""

import io
import struct
import zipfile

from openpyxl import load_workbook

from actionplans.spreadsheet.columns import ACTIVITIES, ACTIVITY_COLUMNS
from actionplans.spreadsheet.export import plan_xlsx

#: The part openpyxl writes the first sheet (Aktiviteter) to.
ACTIVITIES_PART = "xl/worksheets/sheet1.xml"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan_file(plan, *, copies: int = 0, cells: dict[str, object] | None = None) -> bytes:
    """The plan's export, with its first activity row appended ``copies`` more times (as new
    activities, IDs ny1, ny2, ...) and ``cells`` ({"A2": value}) set on Aktiviteter."""
    book = load_workbook(io.BytesIO(plan_xlsx(plan)))
    sheet = book[ACTIVITIES]
    first = [cell.value for cell in sheet[2]]
    for number in range(1, copies + 1):
        sheet.append([f"ny{number}", f"{first[1]} {number}", *first[2:]])
    for coordinate, value in (cells or {}).items():
        sheet[coordinate] = value
    return save(book)


def cut_in_half(data: bytes, part: str = ACTIVITIES_PART) -> bytes:
    parts = members(data)
    parts[part] = parts[part][: len(parts[part]) // 2]
    return rezip(parts)


def under_declared(data: bytes, part: str = ACTIVITIES_PART) -> bytes:
    """The zip with its central directory declaring ``part`` half as large as it is."""
    raw = bytearray(data)
    name = part.encode()
    position = raw.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46 : position + 46 + name_length] == name:
            size = struct.unpack_from("<I", raw, position + 24)[0]
            struct.pack_into("<I", raw, position + 24, size // 2)
            return bytes(raw)
        position = raw.find(b"PK\x01\x02", position + 4)
    raise AssertionError(f"{part} is not in the zip's directory")


def with_doctype(data: bytes, part: str, doctype: bytes, replace: bytes = b"") -> bytes:
    """``part`` with a DOCTYPE put before its root (and ``replace`` swapped for an entity
    reference ``&x;``)."""
    parts = members(data)
    xml = parts[part]
    if xml.startswith(b"<?xml"):
        xml = xml.split(b"?>", 1)[1]
    if replace:
        xml = xml.replace(replace, b"&x;", 1)
    parts[part] = b'<?xml version="1.0"?>' + doctype + xml
    return rezip(parts)


def formula_file(plan, rows: int, *, formulas: int = 14, declared: int | None = None) -> bytes:
    """The plan's export with ``rows`` rows on Aktiviteter whose first ``formulas`` cells are
    formulas (the rest empty), its <dimension> declaring ``declared`` rows (or the true
    number). The sheet's XML is written directly: openpyxl takes seconds for tens of
    thousands of rows."""
    parts = members(plan_xlsx(plan))
    letters = [chr(ord("A") + i) for i in range(len(ACTIVITY_COLUMNS))]
    header = "".join(
        f'<c r="{letter}1" t="inlineStr"><is><t>{column.heading}</t></is></c>'
        for letter, column in zip(letters, ACTIVITY_COLUMNS, strict=True)
    )
    body = [f'<row r="1">{header}</row>']
    for number in range(2, rows + 2):
        cells = "".join(
            f'<c r="{letters[i]}{number}"><f>ROW()*{i + number}</f></c>' for i in range(formulas)
        )
        body.append(f'<row r="{number}">{cells}</row>')
    parts[ACTIVITIES_PART] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{letters[-1]}{(declared or rows) + 1}"/>'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    ).encode()
    return rezip(parts)
