"""Offers to take part in activities, and the organisations' answers."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models.activities import Activity
from actionplans.models.plans import ActionPlan
from portal import limits
from portal.models import HistoryAttributes, MailLog, Organisation


class Offer(models.Model, HistoryAttributes):
    """An offer to the collaborating organisations to take part in activities of an
    approved plan; each organisation decides "after interest and ability"."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="offers", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), max_length=limits.TEXT, blank=True)
    deadline = models.DateField(_("answer by"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before the deadline"),
        default=7,
        help_text=_("Those who have not answered get a reminder this many days before."),
    )
    activities = models.ManyToManyField(
        Activity, related_name="offers", verbose_name=_("activities")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sent_offers",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=limits.in_range("reminder_days", 0, limits.REMINDER_DAYS_MAX),
                name="offer_reminder_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:offer_detail", args=[self.pk])


class OfferRecipient(models.Model, HistoryAttributes):
    """An organisation an offer went to."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("offer")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="offers_received",
        verbose_name=_("organisation"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "organisation__name"]
        verbose_name = _("offer recipient")
        verbose_name_plural = _("offer recipients")
        constraints = [
            models.UniqueConstraint(fields=["offer", "organisation"], name="offerrecipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.offer}"


class Participation(models.Model, HistoryAttributes):
    """An organisation's answer to an offer for one activity."""

    class Answer(models.TextChoices):
        YES = "yes", _("Takes part")
        NO = "no", _("Declines")
        UNDECIDED = "undecided", _("Undecided")

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="participations", verbose_name=_("offer")
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("activity"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), max_length=limits.COMMENT, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participation_answers",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "activity", "organisation__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "activity", "organisation"], name="participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.activity}: {self.get_answer_display()}"


class OfferMail(MailLog):
    """A mail about an offer that has gone out: the offer, the reminder or the summary, one
    per offer, organisation (none for the summary) and kind. The key is kind and
    organisation in one value ("reminder:12", "summary:-")."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        REMINDER = "reminder", _("Reminder")
        SUMMARY = "summary", _("Summary to the coordinator")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="mails")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("offer mail")
        verbose_name_plural = _("offer mails")
        constraints = [
            models.UniqueConstraint(fields=["offer", "key"], name="offermail_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.offer_id} {self.organisation_id or ''}"
