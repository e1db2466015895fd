"""strategy.pdf: the consultation compilation as a tagged PDF passes the ``pdfua`` checker
with no finding, holds every answer under its part with its handling note, follows the
reader's language, and is refused (with the Excel export to use instead) past its size."""

from datetime import timedelta

import pytest
from django.utils import translation

from portal.dates import today
from portal.pdf.render import ReportTooLarge
from strategy import pdf
from strategy.access import consultation_access, strategy_access
from strategy.selectors import consultation_compilation
from strategy.services import strategies
from strategy.services.consultations import (
    AnswerRow,
    consultation_answer,
    consultation_note,
    consultation_send,
)
from strategy.services.strategies import NewStrategy
from tests.factories import municipalities_make
from tests.pdf_helpers import pdf_text

# The checker and its fix for pikepdf's arrays (an autouse fixture, active here once
# imported), as the follow-up report is checked.
from tests.test_followup_pdf_ua import _check, _findings, checker_reads_arrays  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(programme):
    """The programme's strategy copied to a draft and sent to the programme's municipality
    and Norrby; the municipality answered on the whole and on the focus area, and the
    coordinator noted how the first answer was handled."""
    user = programme.coordinator
    draft = strategies.strategy_copy(
        source=programme.strategy,
        new=NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030),
        user=user,
        access=strategy_access(user, programme.strategy),
    )
    (norrby,) = municipalities_make(programme, "Norrby")
    consultation = consultation_send(
        strategy=draft,
        user=user,
        access=strategy_access(user, draft),
        deadline=today() + timedelta(days=10),
        reminder_days=7,
        organisations=[programme.municipality, norrby.organisation],
    )
    whole, _area = consultation_answer(
        consultation=consultation,
        user=programme.contact,
        access=consultation_access(programme.contact, consultation),
        rows=[
            AnswerRow(part=None, stance="changes", comment="Lyft fram <b>tillgänglighet</b>."),
            AnswerRow(part=draft.focus_areas.get(), stance="disagree", comment="För brett."),
        ],
        version=1,
    )
    consultation_note(
        answer=whole,
        user=user,
        access=consultation_access(user, consultation),
        handling="Infört i avsnitt 2.",
        version=whole.version,
    )
    return consultation


def test_the_compilation_passes_the_checker_and_holds_every_answer(consultation, tmp_path):
    compilation = consultation_compilation(consultation)
    with translation.override("sv"):
        document = pdf.compilation_pdf(compilation)

    assert _findings(_check(document.data, tmp_path)) == []
    text = pdf_text(document.data)
    area = consultation.strategy.focus_areas.get()
    assert "Remissammanställning: Digitaliseringsstrategi 2027–2030" in text
    assert "Strategin som helhet" in text and f"Fokusområde: {area.title}" in text
    assert "Instämmer med ändringar" in text and "Instämmer inte" in text
    assert "Lyft fram <b>tillgänglighet</b>." in text  # escaped, shown as typed
    assert "Hantering: Infört i avsnitt 2." in text
    assert "Inte besvarat än Norrby kommun" in text


def test_the_compilation_follows_the_readers_language(consultation):
    with translation.override("en"):
        html = pdf.compilation_html(consultation_compilation(consultation))
    assert '<html lang="en">' in html
    assert "The strategy as a whole" in html and "Agree with changes" in html


def test_a_compilation_past_its_size_is_refused_for_the_excel_export(consultation, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_TEXT", 100)
    with (
        translation.override("sv"),
        pytest.raises(ReportTooLarge, match="exportera den som Excel"),
    ):
        pdf.compilation_pdf(consultation_compilation(consultation))
