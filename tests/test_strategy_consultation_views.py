"""strategy.views.consultation: the send page, the answer form, the compilation with its
notes (in place with htmx and as a plain form) and its Excel export, per role: the
strategy's coordinator, the contact of an organisation asked, the contact of another
municipality, and an outsider."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from openpyxl import load_workbook

from portal.dates import today
from strategy import pdf
from strategy.access import strategy_access
from strategy.models import Consultation, ConsultationAnswer, Strategy
from strategy.services import strategies
from strategy.services.strategies import NewStrategy
from tests.factories import municipalities_make
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(programme) -> Strategy:
    new = NewStrategy("Digitaliseringsstrategi 2027–2030", "strategi-2027", 2027, 2030)
    return strategies.strategy_copy(
        source=programme.strategy,
        new=new,
        user=programme.coordinator,
        access=strategy_access(programme.coordinator, programme.strategy),
    )


@pytest.fixture
def other_contact(programme):
    """The contact of a municipality the draft is not sent to."""
    (contact,) = municipalities_make(programme, "Norrby")
    return contact


@pytest.fixture
def consultation(
    client, programme, draft, other_contact, broker, django_capture_on_commit_callbacks
) -> Consultation:
    """Sent through the page to the programme's municipality."""
    client.force_login(programme.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/strategier/{draft.slug}/remiss/skicka/",
            {
                "organisations": [programme.municipality.pk],
                "deadline": (today() + timedelta(days=14)).isoformat(),
                "reminder_days": 7,
                "text": "Svara gärna.",
            },
        )
    consultation = Consultation.objects.get(strategy=draft)
    assert response.status_code == 302
    assert response["Location"] == f"/strategier/{draft.slug}/remiss/{consultation.pk}/"
    client.logout()
    return consultation


def _url(consultation, tail=""):
    return f"/strategier/{consultation.strategy.slug}/remiss/{consultation.pk}/{tail}"


def test_sending_queues_the_mails_and_moves_the_draft(consultation, broker):
    consultation.strategy.refresh_from_db()
    assert consultation.strategy.state == Strategy.State.CONSULTATION
    assert ("strategy.tasks.send_consultation_mails", (consultation.pk,)) in broker.sent


def test_a_past_last_day_comes_back_with_its_message(client, programme, draft):
    client.force_login(programme.coordinator)
    response = client.post(
        f"/strategier/{draft.slug}/remiss/skicka/",
        {
            "organisations": [programme.municipality.pk],
            "deadline": (today() - timedelta(days=1)).isoformat(),
            "reminder_days": 7,
        },
    )
    assert response.status_code == 200
    assert "Sista svarsdagen har redan passerat." in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("outsider", 403)])
def test_others_cannot_open_the_send_page(client, programme, draft, role, expected):
    client.force_login(getattr(programme, role))
    # A draft is not shown publicly: those who are not its coordinators do not learn of it.
    assert client.get(f"/strategier/{draft.slug}/remiss/skicka/").status_code == 404


def test_the_contact_answers_from_the_home_page_link(client, programme, consultation):
    client.force_login(programme.contact)
    home = client.get("/hem/").content.decode()
    assert _url(consultation, "svar/") in home
    page = client.get(_url(consultation, "svar/"))
    assert page.status_code == 200
    area = consultation.strategy.focus_areas.get()
    response = client.post(
        _url(consultation, "svar/"),
        {
            "version": 1,
            "strategy-stance": "changes",
            "strategy-comment": "Lägg till mer om AI.",
            f"focus_area:{area.pk}-stance": "agree",
        },
    )
    assert response.status_code == 302
    answers = ConsultationAnswer.objects.filter(recipient__consultation=consultation)
    assert {(a.part, a.stance) for a in answers} == {
        ("strategy", "changes"),
        (f"focus_area:{area.pk}", "agree"),
    }
    again = client.get(_url(consultation, "svar/")).content.decode()
    assert "Lägg till mer om AI." in again


def test_a_late_answer_gets_the_message_not_a_500(client, programme, consultation):
    Consultation.objects.filter(pk=consultation.pk).update(deadline=today() - timedelta(days=1))
    client.force_login(programme.contact)
    response = client.post(_url(consultation, "svar/"), {"version": 1, "strategy-stance": "agree"})
    assert response.status_code == 200
    assert "Skicka ert svar till samordnaren" in response.content.decode()
    assert not ConsultationAnswer.objects.exists()


@pytest.mark.parametrize(
    ("role", "answer", "compilation"),
    [
        ("coordinator", 403, 200),
        ("steering", 403, 200),
        ("contact", 200, 403),
        ("other_contact", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_who_opens_which_page(
    client, programme, consultation, other_contact, role, answer, compilation
):
    user = other_contact if role == "other_contact" else getattr(programme, role)
    client.force_login(user)
    assert client.get(_url(consultation, "svar/")).status_code == answer
    assert client.get(_url(consultation)).status_code == compilation
    assert client.get(_url(consultation, "excel/")).status_code == compilation
    assert client.get(_url(consultation, "pdf/")).status_code == compilation


def _answered(programme, consultation) -> ConsultationAnswer:
    from strategy.access import consultation_access
    from strategy.services.consultations import AnswerRow, consultation_answer

    access = consultation_access(programme.contact, consultation)
    (answer,) = consultation_answer(
        consultation=consultation,
        user=programme.contact,
        access=access,
        rows=[AnswerRow(part=None, stance="disagree", comment="=SUMMA(A1)")],
        version=1,
    )
    return answer


def test_the_compilation_shows_the_answer_and_the_note_is_saved_in_place(
    client, programme, consultation
):
    answer = _answered(programme, consultation)
    client.force_login(programme.coordinator)
    page = client.get(_url(consultation)).content.decode()
    assert programme.municipality.name in page and "Instämmer inte" in page
    assert "=SUMMA(A1)" in page
    note = _url(consultation, f"svar/{answer.pk}/hantering/")
    response = client.post(note, {"handling": "Ej infört", "version": 1}, **HTMX)
    assert response.status_code == 200
    assert response["Vary"] and "HX-Request" in response["Vary"]
    assert f'id="answer-{answer.pk}"' in response.content.decode()
    assert "<html" not in response.content.decode()
    answer.refresh_from_db()
    assert answer.handling == "Ej infört"
    stale = client.post(note, {"handling": "Infört", "version": 1}, **HTMX).content.decode()
    assert "Svaret eller dess anteckning har ändrats" in stale
    answer.refresh_from_db()
    assert answer.handling == "Ej infört"
    plain = client.post(note, {"handling": "Infört", "version": 2})
    assert plain.status_code == 302
    answer.refresh_from_db()
    assert answer.handling == "Infört"


def test_only_coordinators_note(client, programme, consultation):
    answer = _answered(programme, consultation)
    client.force_login(programme.steering)
    note = _url(consultation, f"svar/{answer.pk}/hantering/")
    assert client.post(note, {"handling": "x", "version": 1}).status_code == 403


def test_the_excel_export_keeps_a_formula_as_text(client, programme, consultation):
    _answered(programme, consultation)
    client.force_login(programme.coordinator)
    response = client.get(_url(consultation, "excel/"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Del",
        "Organisation",
        "Svar",
        "Kommentar",
        "Hantering",
        "Inmatat av samordnaren",
    )
    assert rows[1][:4] == (
        "Strategin som helhet",
        programme.municipality.name,
        "Instämmer inte",
        "=SUMMA(A1)",
    )
    assert sheet["D2"].data_type == "s"


def test_the_pdf_download_holds_the_answer_in_the_readers_language(client, programme, consultation):
    _answered(programme, consultation)
    client.force_login(programme.coordinator)
    page = client.get(_url(consultation)).content.decode()
    assert f'href="{_url(consultation, "pdf/")}"' in page
    response = client.get(_url(consultation, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"remissammanstallning-{consultation.pk}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Strategin som helhet" in text and "=SUMMA(A1)" in text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = pdf_text(client.get(_url(consultation, "pdf/")).content)
    assert "The strategy as a whole" in english and "Disagree" in english


def test_a_pdf_too_large_sends_back_to_the_excel_export(
    client, programme, consultation, monkeypatch
):
    _answered(programme, consultation)
    monkeypatch.setattr(pdf, "MAX_TEXT", 10)
    client.force_login(programme.coordinator)
    response = client.get(_url(consultation, "pdf/"), follow=True)
    assert response.redirect_chain == [(_url(consultation), 302)]
    assert "exportera den som Excel i stället" in response.content.decode()


def test_the_coordinator_enters_a_late_answer_marked_in_the_compilation_and_exports(
    client, programme, consultation
):
    recipient = consultation.recipients.get()
    enter = _url(consultation, f"mottagare/{recipient.pk}/svar/")
    client.force_login(programme.coordinator)
    early = client.get(enter, follow=True)
    assert early.redirect_chain == [(_url(consultation), 302)]
    assert "matas in här efter sista svarsdagen" in early.content.decode()
    Consultation.objects.filter(pk=consultation.pk).update(deadline=today() - timedelta(days=1))
    assert f'href="{enter}"' in client.get(_url(consultation)).content.decode()
    assert "Mata in svaret från" in client.get(enter).content.decode()
    response = client.post(
        enter, {"version": 1, "strategy-stance": "changes", "strategy-comment": "Per mejl"}
    )
    assert response.status_code == 302
    answer = ConsultationAnswer.objects.get()
    assert (answer.entered_by, answer.comment) == (programme.coordinator, "Per mejl")
    marker = "Inmatat av samordnaren"
    assert marker in client.get(_url(consultation)).content.decode()
    assert marker in pdf_text(client.get(_url(consultation, "pdf/")).content)
    sheet = load_workbook(io.BytesIO(client.get(_url(consultation, "excel/")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][5] == marker
    coordinator = programme.coordinator
    assert rows[1][5].startswith(f"{coordinator.get_full_name() or coordinator.username}, ")


@pytest.mark.parametrize(("role", "expected"), [("steering", 403), ("contact", 403)])
def test_only_coordinators_enter_a_late_answer(client, programme, consultation, role, expected):
    Consultation.objects.filter(pk=consultation.pk).update(deadline=today() - timedelta(days=1))
    recipient = consultation.recipients.get()
    client.force_login(getattr(programme, role))
    response = client.post(
        _url(consultation, f"mottagare/{recipient.pk}/svar/"),
        {"version": 1, "strategy-stance": "agree"},
    )
    assert response.status_code == expected
    assert not ConsultationAnswer.objects.exists()
