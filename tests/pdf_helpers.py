"""Reading the generated PDFs in tests: their text (pdftotext from poppler-utils) and their
inflated streams (the catalog, the structure tree and the XMP metadata sit in compressed
object streams)."""

import contextlib
import re
import subprocess
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of white space (line breaks, no-break spaces) as one
    space, so that wrapped titles and grouped figures compare plainly."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607 - poppler-utils
        input=data,
        capture_output=True,
        check=True,
    )
    return normalise(result.stdout.decode())


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def unwrapped(text: str) -> str:
    """The text without any white space, for a string the layout may wrap anywhere (a URL
    breaks after a slash): ``unwrapped(needle) in unwrapped(pdf_text(data))``."""
    return re.sub(r"\s+", "", text)


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes followed by every stream that inflates."""
    parts = [data]
    for match in STREAM.finditer(data):
        with contextlib.suppress(zlib.error):  # not every stream is deflated
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)
