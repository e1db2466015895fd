"""Refuse hostile or broken files before a parser sees them.

An .xlsx file is a zip of XML files. The size checks read only the zip's directory
(declared sizes), so a zip bomb is refused without unpacking a byte of it. Then the start
of each XML part is read up to its root element: a spreadsheet never has a document type
declaration, and it is only there that entities (billion laughs) and external entities
are declared, so such a file is refused saying why, whichever XML parser openpyxl uses
(defusedxml refuses them, but lxml, once installed, parses them without expanding).
"""

import codecs
import io
import re
import zipfile

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _


class FileRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


MAX_MEMBERS = 500
MAX_RATIO = 200  # a text-heavy sheet compresses about 10×; 200× is a bomb


def check_xlsx(data: bytes) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise FileRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": _mb(len(data)), "limit": _mb(limit)}
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(_("This is not an Excel file (.xlsx). Save it as .xlsx and try again."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused(_("The file is damaged: it cannot be opened as .xlsx.")) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("This is not an Excel workbook (.xlsx)."))
    if "xl/vbaProject.bin" in names:
        raise FileRefused(_("The file contains macros. Save it as a plain .xlsx workbook."))
    if len(members) > MAX_MEMBERS:
        raise FileRefused(_("The file has too many parts to be a plan."))
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileRefused(
            _("The file would unpack to %(size)s MB; the limit is %(limit)s MB.")
            % {"size": _mb(unpacked), "limit": _mb(settings.IMPORT_MAX_UNPACKED_BYTES)}
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRefused(_("The file is encrypted. Remove the password and try again."))
        if member.file_size > MAX_RATIO * max(member.compress_size, 1) and member.file_size > 2**20:
            raise FileRefused(_("The file is packed suspiciously tightly and was refused."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            try:
                head = _head(archive, member)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
                raise FileRefused(
                    _("The file is damaged: its part “%(part)s” cannot be read.")
                    % {"part": member.filename}
                ) from None
            _check_prolog(*head)


#: The most of an XML part read to find its root element; a longer prolog (comments,
#: processing instructions) is refused.
MAX_PROLOG = 64 * 2**10
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def _head(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[str, bool]:
    """The start of a part as text ("" for a part that is not XML, such as an image), and
    whether that is the whole part."""
    with archive.open(member) as handle:
        raw = handle.read(MAX_PROLOG)
    whole = len(raw) < MAX_PROLOG
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace"), whole
    if raw.startswith(b"<\0"):
        return raw.decode("utf-16-le", errors="replace"), whole
    if raw.startswith(b"\0<"):
        return raw.decode("utf-16-be", errors="replace"), whole
    text = raw.decode("utf-8", errors="replace")
    return (text if text.lstrip().startswith("<") else ""), whole


def _check_prolog(text: str, whole: bool) -> None:
    """Refuse a document type declaration before the root element."""
    position = 0
    while (match := _PROLOG_ITEM.match(text, position)) and match.end() > position:
        position = match.end()
    rest = text[position:]
    if rest[:9].upper() == "<!DOCTYPE":
        if "<!ENTITY" in rest:
            raise FileRefused(
                _(
                    "The file was refused: it declares XML entities, which a spreadsheet never "
                    "needs and which can make a file grow without limit or read other files."
                )
            )
        if re.match(r"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b", rest):
            raise FileRefused(
                _(
                    "The file was refused: it refers to an external resource, which a "
                    "spreadsheet never needs."
                )
            )
        raise FileRefused(
            _(
                "The file was refused: it contains a document type declaration (DTD), which a "
                "spreadsheet never needs."
            )
        )
    if text and (rest.startswith(("<!", "<?")) or (not rest and not whole)):
        # A comment or instruction left open, or a prolog longer than MAX_PROLOG.
        raise FileRefused(_("The file is damaged: it cannot be opened as .xlsx."))


def _mb(size: int) -> str:
    return formats.number_format(size / 2**20, 1)
