"""HTML to a tagged PDF (PDF/UA-1), within a memory limit.

WeasyPrint takes the document's title from <title> and its language from <html lang>, and
the ``pdf/ua-1`` variant adds the structure tree, the XMP ``pdfuaid`` part and the
DisplayDocTitle preference itself. One thing it leaves out is the header cells' scope, which
``scope_table_headers`` writes (tests/test_followup_pdf_ua.py checks the result with the
``pdfua`` checker).
"""

import resource
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from portal.pdf.fetcher import PortalURLFetcher, static_base_url

if TYPE_CHECKING:
    import pydyf
    from weasyprint import Document

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


class ReportTooLarge(Exception):
    """The render needed more memory than its limit (REPORT_MEMORY_LIMIT_MB) allows."""


def _address_space() -> int | None:
    """The process's virtual memory size in bytes (what RLIMIT_AS limits), or None where
    /proc is not there to ask."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * resource.getpagesize()


@contextmanager
def memory_limit(megabytes: int):
    """Let the code inside add at most ``megabytes`` of address space to the process.

    RLIMIT_AS counts address space, not resident memory, so the limit is set relative to
    what the process uses already (a worker has imported Django, WeasyPrint and the fonts).
    Past it, allocations fail and Python raises MemoryError, which becomes ReportTooLarge,
    instead of the machine's OOM killer ending the worker. Only the soft limit is lowered, so
    it can be restored afterwards. The limit is for the whole process: the render runs in a
    worker process that does nothing else at the time.
    """
    current = _address_space()
    if not megabytes or megabytes <= 0 or current is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)  # never loosen a limit set from outside
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    except MemoryError:
        raise ReportTooLarge(
            _(
                "The report needed more than %(limit)s MB of memory to build. Ask the portal's "
                "administrator to raise REPORT_MEMORY_LIMIT_MB."
            )
            % {"limit": megabytes}
        ) from None
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


HEADER_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def scope_table_headers(document: "Document", pdf: "pydyf.PDF") -> None:
    """Give every /TH structure element the /Scope of its <th scope>.

    WeasyPrint 70 tags a <th> as /TH with an /ID that its data cells' /Headers name, but
    writes no /Scope, so a checker looking at the header cells (PDF/UA-1 7.5, ``pdfua``'s
    UA-15-003) finds headers associated with nothing. It keeps each cell's structure element
    on the cell's box (``box.mark``, set while tagging, which is done when the finisher
    runs), so the scope is read from the HTML itself, not guessed from the cell's position.
    A <th> without scope heads its column, as WeasyPrint's own /Headers take it.
    """
    for page in document.pages:
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "mark", None)
            if element is None or box.element_tag != "th":
                continue  # not a cell's tagged box (an anonymous block inside one has no mark)
            scope = (box.element.get("scope") or "col").lower()
            element["A"]["Scope"] = HEADER_SCOPES.get(scope, "/Column")


def render_pdf(html: str, *, memory_limit_mb: int | None = None) -> RenderedPdf:
    """The HTML as a PDF/UA-1 document. Only the portal's static files and data: URLs are
    loaded (PortalURLFetcher); fonts come from the machine. ``memory_limit_mb``: what the
    render may add to the process (REPORT_MEMORY_LIMIT_MB unless given)."""
    # Heavy imports: only a render needs them.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    # Set up the fonts before the memory limit: Pango starts a thread the first time, and
    # GLib aborts the whole process (no MemoryError to catch) when a thread's stack does
    # not fit in the address space left.
    font_config = FontConfiguration()
    if memory_limit_mb is None:
        memory_limit_mb = settings.REPORT_MEMORY_LIMIT_MB
    with memory_limit(memory_limit_mb):
        document = HTML(
            string=html, base_url=static_base_url(), url_fetcher=PortalURLFetcher()
        ).render(font_config=font_config, pdf_variant=PDF_VARIANT)
        data = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=scope_table_headers)
        pages = len(document.pages)
        del document
    return RenderedPdf(data=data, pages=pages)
