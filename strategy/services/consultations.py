"""Writes of a consultation (remiss): the coordinator sends the draft to organisations with
a last day, each organisation's contact answers on the whole and per focus area or
strategic direction (after the last day a coordinator enters a late answer on the
organisation's behalf), and the coordinators note how each answer was handled.

Sending does not mail anybody: the caller queues ``strategy.tasks.send_consultation_mails``
once the consultation is saved (services never import tasks).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dates import today
from portal.limits import check_lengths
from portal.models import Organisation, User
from strategy.access import (
    ConsultationAccess,
    StrategyAccess,
    can_send_consultation,
    consultation_is_open,
)
from strategy.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationRecipient,
    FocusArea,
    StrategicDirection,
    Strategy,
)
from strategy.services.strategies import strategy_transition

#: The part of an answer on the strategy as a whole.
WHOLE = "strategy"


def part_key(row: FocusArea | StrategicDirection | None) -> str:
    """The key of the part an answer is on: the whole (None), a focus area or a direction."""
    if row is None:
        return WHOLE
    kind = "focus_area" if isinstance(row, FocusArea) else "direction"
    return f"{kind}:{row.pk}"


@transaction.atomic
def consultation_send(
    *,
    strategy: Strategy,
    user: User,
    access: StrategyAccess,
    deadline: date,
    reminder_days: int,
    organisations: list[Organisation],
    text: str = "",
) -> Consultation:
    """Send the draft on consultation (the workflow's "consult" step) to the organisations,
    with a last day; the caller queues the mails."""
    if not can_send_consultation(access):
        raise PermissionDenied("Only the strategy's coordinators send a draft on consultation.")
    if deadline < today():
        raise ValidationError({"deadline": _("The last day has passed already.")})
    if not organisations:
        raise ValidationError({"organisations": _("Choose at least one organisation.")})
    # Locks the strategy and checks its state again.
    stored = strategy_transition(
        strategy=strategy, name="consult", user=user, access=access, through_form=True
    )
    consultation = Consultation(
        strategy=stored,
        text=text.strip(),
        deadline=deadline,
        reminder_days=reminder_days,
        sent_by=user,
    )
    check_lengths(consultation)
    consultation.full_clean(exclude=["strategy", "sent_by"])
    consultation._history_user = user
    consultation.save()
    for organisation in organisations:
        recipient = ConsultationRecipient(consultation=consultation, organisation=organisation)
        recipient._history_user = user
        recipient.save()
    return consultation


@dataclass
class AnswerRow:
    """The answer on one part: ``part`` is None for the whole."""

    part: FocusArea | StrategicDirection | None
    stance: str
    comment: str = ""


def _late_answer_message(consultation: Consultation) -> str:
    return _(
        "The last day was %(deadline)s: answers can no longer be changed here. "
        "Send your answer to the coordinator, %(coordinator)s, who can add it to the "
        "compilation."
    ) % {
        "deadline": consultation.deadline.isoformat(),
        "coordinator": consultation.sent_by.get_full_name() or consultation.sent_by.username,
    }


def _check_part(consultation: Consultation, part: FocusArea | StrategicDirection | None) -> None:
    strategy_id = (
        None
        if part is None
        else part.strategy_id
        if isinstance(part, FocusArea)
        else part.focus_area.strategy_id
    )
    if part is not None and strategy_id != consultation.strategy_id:
        raise ValidationError(_("“%(title)s” is not in the draft.") % {"title": part})


@transaction.atomic
def consultation_answer(
    *,
    consultation: Consultation,
    user: User,
    access: ConsultationAccess,
    rows: list[AnswerRow],
    version: int,
) -> list[ConsultationAnswer]:
    """Save the organisation's answers (a part left without a stance stays unanswered). A
    contact answers for their own organisation, and changes the answer, until the last day;
    ``version`` is the recipient's version the form was shown with. Returns the answers that
    changed."""
    if access.answers_for is None:
        raise PermissionDenied("Only the contacts of the organisations asked answer.")
    recipient = (
        ConsultationRecipient.objects.select_for_update()
        .select_related("consultation", "consultation__sent_by", "organisation")
        .get(consultation=consultation, organisation=access.answers_for)
    )
    # The locked row's consultation, not the one the page was shown with.
    if not consultation_is_open(recipient.consultation):
        raise ValidationError(_late_answer_message(recipient.consultation))
    _check_version(recipient, version)
    return _save_rows(recipient, rows, user, entered=False)


def _check_version(recipient: ConsultationRecipient, version: int) -> None:
    if recipient.version != version:
        raise ValidationError(
            _(
                "Someone else at %(organisation)s saved the answer meanwhile: "
                "open the form again to see it, then answer."
            )
            % {"organisation": recipient.organisation}
        )


def _save_rows(
    recipient: ConsultationRecipient, rows: list[AnswerRow], user: User, *, entered: bool
) -> list[ConsultationAnswer]:
    """Save the rows' answers of the locked recipient; ``entered``: by a coordinator on the
    organisation's behalf. Returns the answers that changed."""
    consultation = recipient.consultation
    existing = {a.part: a for a in ConsultationAnswer.objects.filter(recipient=recipient)}
    changed = []
    for row in rows:
        _check_part(consultation, row.part)
        if not row.stance:
            continue
        if row.stance not in ConsultationAnswer.Stance.values:
            raise ValidationError(_("Choose one of the answers."))
        key = part_key(row.part)
        answer = existing.get(key) or ConsultationAnswer(
            recipient=recipient,
            part=key,
            focus_area=row.part if isinstance(row.part, FocusArea) else None,
            direction=row.part if isinstance(row.part, StrategicDirection) else None,
        )
        comment = row.comment.strip()
        if answer.pk and (answer.stance, answer.comment) == (row.stance, comment):
            continue
        if answer.pk:
            answer.version += 1  # a note written on the earlier answer is then refused
        answer.stance, answer.comment, answer.answered_by = row.stance, comment, user
        answer.entered_by, answer.entered_at = (user, timezone.now()) if entered else (None, None)
        check_lengths(answer)  # the earlier answers roll back with it
        answer._history_user = user
        answer.save()
        changed.append(answer)
    if changed:
        recipient.version += 1
        recipient._history_user = user
        recipient.save(update_fields=["version"])
    return changed


@transaction.atomic
def consultation_answer_enter(
    *,
    recipient: ConsultationRecipient,
    user: User,
    access: ConsultationAccess,
    rows: list[AnswerRow],
    version: int,
) -> list[ConsultationAnswer]:
    """A coordinator enters, or completes, the answer of an organisation that sent it after
    the last day, marked as entered by them and when. The parts the organisation's contact
    answered stay as they were saved: what the organisation adds to them goes in the
    handling note. ``version`` is the recipient's, as for the contact's form."""
    if not access.can_enter_answers:
        raise PermissionDenied(
            "Only the strategy's coordinators enter an answer, after the last day, while the "
            "strategy is on consultation or in revision."
        )
    locked = (
        ConsultationRecipient.objects.select_for_update()
        .select_related("consultation", "organisation")
        .get(pk=recipient.pk)
    )
    if consultation_is_open(locked.consultation):
        raise ValidationError(
            _(
                "The consultation is open until %(deadline)s: until then the organisation's "
                "contacts answer it themselves."
            )
            % {"deadline": locked.consultation.deadline.isoformat()}
        )
    _check_version(locked, version)
    own = set(
        ConsultationAnswer.objects.filter(recipient=locked, entered_by=None).values_list(
            "part", flat=True
        )
    )
    for row in rows:
        if row.stance and part_key(row.part) in own:
            raise ValidationError(
                _(
                    "%(organisation)s answered “%(part)s” itself: write what it adds in the "
                    "handling note instead."
                )
                % {
                    "organisation": locked.organisation,
                    "part": row.part or _("The strategy as a whole"),
                }
            )
    return _save_rows(locked, rows, user, entered=True)


@transaction.atomic
def consultation_note(
    *,
    answer: ConsultationAnswer,
    user: User,
    access: ConsultationAccess,
    handling: str,
    version: int,
) -> ConsultationAnswer:
    """Note how the coordinators handled an answer; a note written from an older version of
    the answer (another coordinator's note, the organisation's changed answer) is refused."""
    if not access.can_note:
        raise PermissionDenied("Only the strategy's coordinators note how answers were handled.")
    stored = ConsultationAnswer.objects.select_for_update().get(pk=answer.pk)
    if stored.version != version:
        raise ValidationError(
            _(
                "The answer or its note changed since you opened the page: "
                "read it again, then write the note."
            )
        )
    handling = handling.strip()
    if stored.handling == handling:
        return stored
    stored.handling = handling
    stored.version += 1
    check_lengths(stored)
    stored._history_user = user
    stored.save(update_fields=["handling", "version"])
    return stored
