"""Shared models: organisations, people, and the bodies they sit in."""

import re
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from portal import limits


def validate_org_number(value: str) -> None:
    """A Swedish organisationsnummer: NNNNNN-NNNN whose last digit is the Luhn check digit
    of the nine before it, so that a mistyped number is caught when it is entered rather
    than published in the open-data catalogue."""
    if not re.fullmatch(r"\d{6}-\d{4}", value):
        raise ValidationError(_("Give the organisation number as NNNNNN-NNNN."), code="format")
    if not luhn_valid(value.replace("-", "")):
        raise ValidationError(
            _("The organisation number's check digit is wrong: check the number."),
            code="check_digit",
        )


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(int(d) for d in digits):
        # From the left, every other digit is doubled (the number has an even length).
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def model_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    """A model's own field by name (the type checker's get_field also allows reverse
    relations, which have no verbose_name or choices)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), name
    return field


class HistoryAttributes:
    """What django-simple-history reads off an instance as it saves, declared for the type
    checker: the services set ``_history_user`` (who made the change; the request's user
    is not there in tasks and services called from them) and ``skip_history_when_saving``
    (a save that must not add a history row, such as a reorder)."""

    _history_user: "User | None"
    skip_history_when_saving: bool


class Organisation(models.Model, HistoryAttributes):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality")
        COUNTY_BOARD = "county_board", _("County administrative board")
        UNIVERSITY = "university", _("University")
        NATIONAL_PARTNER = "national_partner", _("National partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    county = models.CharField(_("county"), max_length=100, blank=True)
    collaborates = models.BooleanField(
        _("collaborating organisation"),
        default=True,
        help_text=_("Takes part in the county's joint digitalisation work and receives offers."),
    )
    website = models.URLField(_("website"), blank=True)
    kolada_id = models.CharField(
        _("Kolada id"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Give the four digits of the Kolada id."))],
        help_text=_(
            "The municipality code Kolada knows the organisation by: four digits, such as 1880 "
            "for Örebro kommun, or 0018 for Region Örebro län as a county."
        ),
    )
    org_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[validate_org_number],
        help_text=_(
            "The Swedish organisation number, NNNNNN-NNNN, such as 232100-0164 for Region "
            "Örebro län. The open-data catalogue names the organisation by it, as "
            "dataportal.se does."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["kolada_id"],
                condition=~models.Q(kolada_id=""),
                name="organisation_unique_kolada_id",
            ),
        ]
        # Object permission (django-guardian), granted to the organisation's contacts by
        # portal.services.contact_access_sync.
        permissions = [("answer_offers", _("Can answer offers for the organisation"))]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser, HistoryAttributes):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    is_contact = models.BooleanField(
        _("contact for the organisation"),
        default=False,
        help_text=_("Receives offers and answers for the organisation."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # django-stubs
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Body(models.Model, HistoryAttributes):
    """A group with a mandate: the steering group, the council, a collaboration group…"""

    class Kind(models.TextChoices):
        STEERING_GROUP = "steering_group", _("Programme steering group")
        STRATEGY_GROUP = "strategy_group", _("Strategy group")
        DIGITALISATION_COUNCIL = "digitalisation_council", _("Digitalisation council")
        COLLABORATION_GROUP = "collaboration_group", _("Collaboration group")
        COORDINATORS = "coordinators", _("Coordinators")
        NETWORK = "network", _("Network")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("hosting organisation"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    mandate = models.TextField(_("mandate"), max_length=limits.DOCUMENT, blank=True)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Where reports sent to this body are delivered.")
    )
    #: Every membership, ended ones too: read current members through ``memberships``
    #: filtered on ``ended_on__isnull=True`` (portal.selectors.body_members).
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        User, through="Membership", related_name="bodies"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model, HistoryAttributes):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")
        LEAD = "lead", _("Lead (insatsledare)")
        COORDINATOR = "coordinator", _("Coordinator")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("since"), null=True, blank=True)
    #: An ended membership is kept, for the record of who sat in the body when; it gives no
    #: rights, so every read of current members filters on ``ended_on__isnull=True``.
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["body__name", "role", "user__last_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # One current membership per person and body; ended ones may be many.
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_unique_current_body_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.body} ({self.get_role_display()})"


# django-guardian with direct foreign keys (see strategy.models for why).
class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class MailLog(models.Model):
    """A mail that has gone out, logged with the send (portal.mail.send_once): each
    concrete log adds its owner (an offer, a round, a report) and a unique constraint on the
    owner and ``key``, which is what makes a retried or repeated task send each mail once.
    A delivery log, without history."""

    #: What the mail is, unique per owner ("reminder:12", "summary:-", a body's slug…).
    key = models.CharField(max_length=100)
    recipients = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key


class Meeting(models.Model, HistoryAttributes):
    """A meeting of a body. Its time and place are public; its minutes once published."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("body")
    )
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=300, blank=True)
    agenda = models.TextField(
        _("agenda"), max_length=limits.TEXT, blank=True, help_text=_("One item per line.")
    )
    minutes = models.TextField(_("minutes"), max_length=limits.DOCUMENT, blank=True)
    minutes_published = models.BooleanField(_("minutes published"), default=False)
    #: Raised by each save from the meeting's page, so that two secretaries editing the
    #: minutes at once do not overwrite each other (portal.services.meeting_update).
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class AgendaItem(models.Model, HistoryAttributes):
    """An item on a meeting's agenda, linked (generically, like a decision) to what it is
    about: an initiative, a plan, a follow-up report."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_url = models.CharField(_("link"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "subject_type", "subject_id"],
                condition=models.Q(subject_id__isnull=False),
                name="agendaitem_subject_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model, HistoryAttributes):
    """A decision of a body, in its register. It may link to what it decided (a plan
    approved, an initiative prioritised, a report approved) through a generic relation, so
    that the shared register needs no import of the apps above it."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("body")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        related_name="decisions",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
    )
    decided_on = models.DateField(_("decided on"))
    title = models.CharField(_("decision"), max_length=300)
    text = models.TextField(_("text"), max_length=limits.TEXT, blank=True)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_title = models.CharField(_("concerns"), max_length=300, blank=True)
    subject_url = models.CharField(_("link"), max_length=500, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.title


class ApiToken(models.Model):
    """A personal key to the API, created, named and revoked by its user. The API then
    shows what that user may see, no more (the same access modules as the pages). Only
    a hash of the key is kept: the key is shown once, when it is created."""

    user = models.ForeignKey(
        "portal.User", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    #: The key's first characters, shown in the list so its owner can tell keys apart.
    prefix = models.CharField(_("begins with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    can_write_indicator_values = models.BooleanField(
        _("may enter indicator values"),
        default=False,
        help_text=_("For an integration that delivers the values of indicators."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
