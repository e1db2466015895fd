"""A draft strategy on consultation (remiss): the organisations it went to, their answers
on the whole and per focus area or strategic direction, and how the coordinators handled
each answer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import limits
from portal.models import HistoryAttributes, MailLog, Organisation
from strategy.models import FocusArea, StrategicDirection, Strategy


class Consultation(models.Model, HistoryAttributes):
    """One round of consultation of a draft; a strategy in revision can go on consultation
    again, so a strategy may have several."""

    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("strategy"),
    )
    text = models.TextField(_("message"), max_length=limits.TEXT, blank=True)
    deadline = models.DateField(_("answer by"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before the deadline"),
        default=7,
        help_text=_("Those who have not answered get a reminder this many days before."),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sent_consultations",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.strategy} ({self.deadline})"


class ConsultationRecipient(models.Model, HistoryAttributes):
    """An organisation the consultation went to; its contacts answer for it."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("consultation"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consultations_received",
        verbose_name=_("organisation"),
    )
    #: Raised by every answer saved; an answer form shown before another contact's save is
    #: refused instead of overwriting it.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "organisation__name"]
        verbose_name = _("consultation recipient")
        verbose_name_plural = _("consultation recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"], name="consultationrecipient_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.consultation}"


class ConsultationAnswer(models.Model, HistoryAttributes):
    """An organisation's answer on one part of the draft: the whole (neither a focus area
    nor a direction), a focus area or a strategic direction."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        AGREE_WITH_CHANGES = "changes", _("Agree with changes")
        DISAGREE = "disagree", _("Disagree")

    recipient = models.ForeignKey(
        ConsultationRecipient,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("organisation"),
    )
    #: "strategy", "focus_area:<id>" or "direction:<id>": one answer per part, unique
    #: without comparing nullable keys.
    part = models.CharField(_("part"), max_length=40)
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("focus area"),
    )
    direction = models.ForeignKey(
        StrategicDirection,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("strategic direction"),
    )
    stance = models.CharField(_("answer"), max_length=16, choices=Stance.choices)
    comment = models.TextField(_("comment"), max_length=limits.COMMENT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultation_answers",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)
    #: A coordinator who entered the answer on the organisation's behalf, after the last
    #: day (the late answer the form refuses is sent to them), and when; empty when the
    #: organisation's contact answered.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    #: How the coordinators handled the answer in the revision.
    handling = models.TextField(_("handling"), max_length=limits.COMMENT, blank=True)
    #: Raised by every save of the handling; a note written from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recipient", "part"]
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "part"], name="consultationanswer_one_per_part"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient.organisation}: {self.get_stance_display()}"


class ConsultationMail(MailLog):
    """A mail about a consultation that has gone out, one per organisation and kind (the
    key is "consultation:12", "reminder:12")."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        REMINDER = "reminder", _("Reminder")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="mails")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("consultation mail")
        verbose_name_plural = _("consultation mails")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="consultationmail_once"),
        ]

    def __str__(self) -> str:
        return self.key
