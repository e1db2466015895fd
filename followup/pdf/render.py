"""A round's report from data to HTML; portal.pdf.render makes it a tagged PDF (PDF/UA-1)."""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from followup.models import FollowUpRound
from followup.pdf.content import report_context
from portal.pdf import render as portal_render

TEMPLATE = "followup/pdf/report.html"


def render_html(
    followup_round: FollowUpRound,
    *,
    version: int | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The report's HTML, in the portal's language (Swedish)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = report_context(followup_round)
        context.update(
            version=version,
            generated_at=generated_at or timezone.now(),
            language=translation.get_language(),
        )
        return render_to_string(TEMPLATE, context)


def render_pdf(html: str) -> portal_render.RenderedPdf:
    """The report's HTML as a PDF/UA-1 document, within REPORT_MEMORY_LIMIT_MB (the worker
    renders one report at a time)."""
    return portal_render.render_pdf(html, memory_limit_mb=settings.REPORT_MEMORY_LIMIT_MB)
