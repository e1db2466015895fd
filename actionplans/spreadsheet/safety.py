"""Refuse hostile or broken files before a parser sees them.

An .xlsx file is a zip of XML files. The checks read only the zip's directory (declared
sizes), so a zip bomb is refused without unpacking a byte of it; the XML itself is parsed
by openpyxl through defusedxml (installed), which refuses entity expansion (billion laughs)
and external entities.
"""

import io
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


def _mb(size: int) -> str:
    return formats.number_format(size / 2**20, 1)
