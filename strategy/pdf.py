"""The consultation compilation as a tagged PDF (PDF/UA-1), made while the coordinator waits.

A compilation is small (tens of organisations' answers on tens of parts), so it is rendered
in the request rather than by a worker as the follow-up report is. MAX_TEXT keeps it so: a
compilation with more text than that is refused with a pointer to the Excel export, and
portal.pdf.render's memory limit holds in the web worker too (gunicorn's sync workers serve
one request at a time, so the process-wide limit touches nothing else).
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.pdf.render import RenderedPdf, ReportTooLarge, render_pdf
from strategy.selectors import Compilation

TEMPLATE = "strategy/pdf/compilation.html"
#: The characters of comments and notes a PDF is made of in the request, with a few hundred
#: for each answer's organisation and stance: some forty pages, a few seconds of layout.
MAX_TEXT = 150_000
ANSWER_OVERHEAD = 200


def compilation_text_size(compilation: Compilation) -> int:
    return sum(
        len(answer.comment) + len(answer.handling) + ANSWER_OVERHEAD
        for part in compilation.parts
        for answer in part.answers
    )


def compilation_html(compilation: Compilation, *, generated_at: datetime | None = None) -> str:
    """The compilation's HTML, in the active language (the reader's)."""
    context = {
        "compilation": compilation,
        "language": translation.get_language(),
        "generated_at": timezone.localtime(generated_at or timezone.now()),
    }
    return render_to_string(TEMPLATE, context)


def compilation_pdf(compilation: Compilation) -> RenderedPdf:
    """The compilation as a PDF/UA-1 document; ReportTooLarge past MAX_TEXT."""
    if compilation_text_size(compilation) > MAX_TEXT:
        raise ReportTooLarge(
            _(
                "The compilation holds more text than a PDF is made of while you wait: "
                "export it as Excel instead."
            )
        )
    return render_pdf(compilation_html(compilation))
