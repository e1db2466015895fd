"""Offers: the coordinator sends one, contacts answer, everyone concerned sees the matrix."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from actionplans import tasks
from actionplans.access import (
    OfferAccess,
    get_answering_organisation,
    get_offer_for_user,
    get_plan_for_user,
    is_own_organisation,
)
from actionplans.forms import AnswerForm, OfferForm
from actionplans.models import Offer, Participation
from actionplans.selectors import offers as offer_selectors
from actionplans.services.offers import AnswerResult, offer_send, participation_answer
from actionplans.views.spreadsheet import XLSX
from portal.http import PortalRequest, SignedInRequest
from portal.models import Organisation
from portal.page_cache import content_key, kept_fragment
from portal.params import query_choice, query_slug
from portal.spreadsheets import append_row, xlsx_bytes
from portal.tasks import enqueue


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, plan_id)
    if not access.can_edit_plan:
        raise PermissionDenied("Only the plan's coordinators send offers.")
    form = OfferForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = offer_send(
                plan=plan,
                user=request.user,
                access=access,
                title=data["title"],
                text=data["text"],
                deadline=data["deadline"],
                reminder_days=data["reminder_days"],
                activities=list(data["activities"]),
                organisations=list(data["organisations"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            enqueue(tasks.send_offer_mails, offer.pk)
            count = len(data["organisations"])
            message = _("The offer was sent to %(count)s organisations.") % {"count": count}
            messages.success(request, message)
            return redirect(offer)
    return render(request, "actionplans/offer_form.html", {"plan": plan, "form": form})


@login_required
@require_GET
def offer_detail(request: SignedInRequest, offer_id: int) -> HttpResponse:
    offer, access = get_offer_for_user(request.user, offer_id)
    answer = query_choice(request, "svar", Participation.Answer.values)
    kind = query_choice(request, "typ", Organisation.Kind.values)
    context = {
        "offer": offer,
        "plan": offer.plan,
        "access": access,
        "is_open": access.is_open,
        "participation_html": _participation_html(request, offer, access, answer, kind),
        # Organisations the offer cannot reach by mail: the coordinator should know.
        "without_contact": offer_selectors.recipients_without_contact(offer)
        if access.manages
        else [],
    }
    return render(request, "actionplans/offer_detail.html", context)


def _participation_html(
    request: SignedInRequest, offer: Offer, access: OfferAccess, answer: str, kind: str
) -> str:
    """The matrix (300 activities × 20 organisations at national scale) is the same for
    everyone who sees it the same way: rendered once per version of the answers, language,
    filter and view (names or totals only; the coordinator's links to answer for others)."""
    view = f"{int(access.sees_names)}{int(access.manages)}"
    key = content_key(
        "offer-matrix",
        offer.pk,
        offer_selectors.offer_content_version(),
        get_language(),
        answer,
        kind,
        view,
    )

    def render_matrix() -> str:
        matrix = offer_selectors.offer_matrix(offer, answer=answer, organisation_kind=kind)
        cells = _cells_html(matrix) if access.sees_names else [""] * len(matrix.rows)
        context = {
            "offer": offer,
            "matrix": matrix,
            "rows": list(zip(matrix.rows, cells, strict=True)),
            "columns": list(zip(matrix.organisations, matrix.column_yes, strict=True)),
            "answer": answer,
            "kind": kind,
            "answers": Participation.Answer.choices,
            "kinds": Organisation.Kind.choices,
            # Contacts see the others' answers only as totals until the plan is published.
            "names_visible": access.sees_names,
            "manages": access.manages,
        }
        return render_to_string(
            "actionplans/offer_detail.html#participation", context, request=request
        )

    return kept_fragment(key, request, render_matrix)


def _cells_html(matrix: offer_selectors.Matrix) -> list[str]:
    """Each row's answer cells as HTML, built here: a matrix of 300 activities × 20
    organisations is 6 000 cells, which the template language renders ten times slower."""
    labels = {code: str(label) for code, label in Participation.Answer.choices}
    empty = format_html(
        '<td class="answer answer-none"><span class="meta">–</span>'
        '<span class="visually-hidden">{}</span></td>',
        _("Not answered yet"),
    )
    return [
        mark_safe(  # noqa: S308 - every piece is escaped by format_html
            "".join(
                format_html(
                    '<td class="answer answer-{}">{}</td>', cell.answer, labels[cell.answer]
                )
                if cell
                else empty
                for cell in row.cells
            )
        )
        for row in matrix.rows
    ]


@login_required
@require_GET
def offer_export(request: SignedInRequest, offer_id: int) -> HttpResponse:
    offer, access = get_offer_for_user(request.user, offer_id)
    if not access.sees_names:
        raise PermissionDenied(
            "Only those who work on the plan see whose answer is whose before it is published."
        )
    matrix = offer_selectors.offer_matrix(offer)
    book = Workbook()
    sheet = book.active
    sheet.title = "Deltagande"
    labels = dict(Participation.Answer.choices)
    append_row(
        sheet,
        ["Aktivitet", *[o.name for o in matrix.organisations], "Deltar", "Avböjer", "Osäkra"],
    )
    for row in matrix.rows:
        append_row(
            sheet,
            [
                row.activity.title,
                *[str(labels[cell.answer]) if cell else "" for cell in row.cells],
                row.counts["yes"],
                row.counts["no"],
                row.counts["undecided"],
            ],
        )
    response = HttpResponse(xlsx_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="deltagande-{offer.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def offer_answer(request: SignedInRequest, offer_id: int) -> HttpResponse:
    """The answer form of one organisation; a POST saves it and comes back here."""
    offer, access = get_offer_for_user(request.user, offer_id)
    organisation = get_answering_organisation(access, query_slug(request, "organisation"))
    if organisation is None:
        return redirect(offer)  # a coordinator picks the organisation on the offer page
    activities, current = offer_selectors.offer_answer_form_data(offer, organisation)
    form = AnswerForm(request.POST or None, activities=activities, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            result = participation_answer(
                offer=offer,
                organisation=organisation,
                user=request.user,
                access=access,
                rows=form.rows(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _answers_saved(result, offer, organisation))
            return redirect(request.get_full_path())
    context = {
        "offer": offer,
        "organisation": organisation,
        "form": form,
        "is_open": access.is_open,
        "access": access,
    }
    return render(request, "actionplans/offer_answer.html", context)


def _answers_saved(result: AnswerResult, offer: Offer, organisation: Organisation) -> str:
    return _("Saved %(count)s answers for %(name)s. You can change them until %(deadline)s.") % {
        "count": len(result.changed),
        "name": organisation.name,
        "deadline": offer.deadline.isoformat(),
    }


@require_GET
def organisation_commitments(request: PortalRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    own = is_own_organisation(request.user, organisation)
    commitments = offer_selectors.commitments_for(organisation, own=own)
    if not commitments and not own and not organisation.collaborates:
        raise Http404
    context = {"organisation": organisation, "commitments": commitments, "own": own}
    return render(request, "actionplans/organisation_commitments.html", context)
