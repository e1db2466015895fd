"""The consultation (remiss) of a draft: the coordinator sends it, each organisation's
contact answers, the strategy's insiders read the compilation (remissammanställning), the
coordinators note how each answer was handled and export the compilation as Excel or as a
PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from openpyxl import Workbook

from portal.forms import add_service_errors
from portal.http import SignedInRequest
from portal.pdf.render import ReportTooLarge
from portal.spreadsheets import append_row, xlsx_bytes
from portal.tasks import enqueue
from strategy import selectors, tasks
from strategy.access import (
    can_send_consultation,
    get_answer_for_note,
    get_consultation_for_answer,
    get_consultation_for_compilation,
    get_recipient_for_entering,
    get_strategy_for_consultation_send,
)
from strategy.forms import ConsultationAnswerForm, ConsultationNoteForm, ConsultationSendForm
from strategy.models import ConsultationAnswer
from strategy.pdf import compilation_pdf
from strategy.services import consultations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPILATION = "strategy/consultation_compilation.html"


def _compilation_url(consultation) -> str:
    return reverse(
        "strategy:consultation_compilation", args=[consultation.strategy.slug, consultation.pk]
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_send(request: SignedInRequest, slug: str) -> HttpResponse:
    """Send the draft on consultation: the workflow's "consult" step, with whom to ask."""
    strategy, access = get_strategy_for_consultation_send(request.user, slug)
    if not can_send_consultation(access):
        messages.error(
            request,
            _("The strategy is “%(state)s”: only a draft or a revision is sent on consultation.")
            % {"state": strategy.get_state_display()},
        )
        return redirect("strategy:editor", strategy.slug)
    form = ConsultationSendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = consultations.consultation_send(
                strategy=strategy, user=request.user, access=access, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            enqueue(tasks.send_consultation_mails, consultation.pk)
            messages.success(
                request, _("The draft is on consultation; the mails are on their way.")
            )
            return redirect(_compilation_url(consultation))
    return render(request, "strategy/consultation_send.html", {"strategy": strategy, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def consultation_answer(request: SignedInRequest, slug: str, consultation_id: int) -> HttpResponse:
    """The answer form of the contact's organisation; a POST saves it and comes back here."""
    consultation, access = get_consultation_for_answer(request.user, slug, consultation_id)
    organisation = access.answers_for
    mine = selectors.organisation_answers(consultation, organisation)  # type: ignore[arg-type]
    parts = selectors.consultation_parts(consultation.strategy)
    form = ConsultationAnswerForm(
        request.POST or None,
        parts=parts,
        current=mine["answers"],
        initial={"version": mine["recipient"].version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = consultations.consultation_answer(
                consultation=consultation,
                user=request.user,
                access=access,
                rows=form.rows(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Saved %(count)s answers. You can change them until %(deadline)s.")
                % {"count": len(changed), "deadline": consultation.deadline.isoformat()},
            )
            return redirect(request.get_full_path())
    context = {"consultation": consultation, "access": access, "form": form}
    return render(request, "strategy/consultation_answer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_answer_enter(
    request: SignedInRequest, slug: str, consultation_id: int, recipient_id: int
) -> HttpResponse:
    """After the last day a coordinator enters an organisation's late answer on its behalf,
    on the parts its contacts did not answer themselves."""
    recipient, access = get_recipient_for_entering(
        request.user, slug, consultation_id, recipient_id
    )
    consultation = recipient.consultation
    if not access.can_enter_answers:
        messages.error(
            request,
            _(
                "An organisation's answer is entered here after the last day, %(deadline)s, "
                "while the strategy is on consultation or in revision."
            )
            % {"deadline": consultation.deadline.isoformat()},
        )
        return redirect(_compilation_url(consultation))
    answers = selectors.answers_to_enter(recipient)
    form = ConsultationAnswerForm(
        request.POST or None,
        parts=answers.open_parts,
        current=answers.entered,
        initial={"version": recipient.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = consultations.consultation_answer_enter(
                recipient=recipient,
                user=request.user,
                access=access,
                rows=form.rows(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Saved %(count)s answers for %(organisation)s, marked as entered by you.")
                % {"count": len(changed), "organisation": recipient.organisation.name},
            )
            return redirect(_compilation_url(consultation))
    context = {"recipient": recipient, "answers": answers, "form": form, "access": access}
    return render(request, "strategy/consultation_answer_enter.html", context)


@login_required
@require_GET
def consultation_compilation(
    request: SignedInRequest, slug: str, consultation_id: int
) -> HttpResponse:
    consultation, access = get_consultation_for_compilation(request.user, slug, consultation_id)
    compilation = selectors.consultation_compilation(consultation)
    return render(request, COMPILATION, {"compilation": compilation, "access": access})


@login_required
@require_POST
@vary_on_headers("HX-Request")
def consultation_note(
    request: SignedInRequest, slug: str, consultation_id: int, answer_id: int
) -> HttpResponse:
    """How the coordinators handled one answer; htmx swaps the answer's row in place."""
    answer, access = get_answer_for_note(request.user, slug, consultation_id, answer_id)
    form = ConsultationNoteForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            answer = consultations.consultation_note(
                answer=answer, user=request.user, access=access, **form.cleaned_data
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
    else:
        error = " ".join(str(m) for errors in form.errors.values() for m in errors)
    if request.headers.get("HX-Request"):
        context = {
            "answer": answer,
            "consultation": answer.recipient.consultation,
            "access": access,
            "note_error": error,
        }
        return render(request, f"{COMPILATION}#answer", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The note is saved."))
    return redirect(_compilation_url(answer.recipient.consultation))


def _entered(answer: ConsultationAnswer) -> str:
    """Who entered a late answer on the organisation's behalf, and when; empty otherwise."""
    if answer.entered_by is None or answer.entered_at is None:
        return ""
    name = answer.entered_by.get_full_name() or answer.entered_by.username
    return f"{name}, {timezone.localtime(answer.entered_at):%Y-%m-%d %H:%M}"


@login_required
@require_GET
def consultation_export(request: SignedInRequest, slug: str, consultation_id: int) -> HttpResponse:
    """The compilation as Excel: one row per answer, under its part of the tree."""
    consultation, access = get_consultation_for_compilation(request.user, slug, consultation_id)
    if not access.can_export:
        raise PermissionDenied("The compilation is for the strategy's insiders.")
    compilation = selectors.consultation_compilation(consultation)
    book = Workbook()
    sheet = book.active
    sheet.title = "Remissammanställning"
    stances = dict(ConsultationAnswer.Stance.choices)
    append_row(
        sheet, ["Del", "Organisation", "Svar", "Kommentar", "Hantering", "Inmatat av samordnaren"]
    )
    for part in compilation.parts:
        title = "Strategin som helhet" if part.level == 0 else str(part.row)
        for answer in part.answers:
            append_row(
                sheet,
                [
                    title,
                    answer.recipient.organisation.name,
                    str(stances[answer.stance]),
                    answer.comment,
                    answer.handling,
                    _entered(answer),
                ],
            )
    response = HttpResponse(xlsx_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="remissammanstallning-{consultation.pk}.xlsx"'
    )
    return response


@login_required
@require_GET
def consultation_pdf(request: SignedInRequest, slug: str, consultation_id: int) -> HttpResponse:
    """The compilation as a tagged PDF in the reader's language, made while they wait
    (strategy.pdf keeps it small enough to)."""
    consultation, access = get_consultation_for_compilation(request.user, slug, consultation_id)
    if not access.can_export:
        raise PermissionDenied("The compilation is for the strategy's insiders.")
    compilation = selectors.consultation_compilation(consultation)
    try:
        document = compilation_pdf(compilation)
    except ReportTooLarge as error:
        messages.error(request, str(error))
        return redirect(_compilation_url(consultation))
    response = HttpResponse(document.data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="remissammanstallning-{consultation.pk}.pdf"'
    )
    return response
