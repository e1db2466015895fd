"""Indicator values, per year: entered (in an activity's report or on the indicator's page)
or fetched from Kolada.

Where a value belongs:
- ``organisation`` set: that organisation's value (for an indicator kept per organisation,
  or a municipality's value from Kolada);
- no organisation, scope ``strategy``: the value for the strategy as a whole (from Kolada:
  the value of the strategy's owner, for a region the county's);
- no organisation, scope ``country``: the whole country's, for comparison (Kolada's 0000).

The country is a scope rather than an organisation of its own: an organisation named
"Sweden" would turn up wherever organisations are listed (offers, commitments, people), and
nothing but an indicator value ever belongs to it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import limits
from portal.models import HistoryAttributes, Organisation
from strategy.models import Indicator


class IndicatorValue(models.Model, HistoryAttributes):
    class Scope(models.TextChoices):
        STRATEGY = "strategy", _("The strategy's area")
        COUNTRY = "country", _("The whole country")

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        KOLADA = "kolada", _("Kolada")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.STRATEGY
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("comment"), max_length=limits.COMMENT, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="indicatorvalue_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "scope"],
                condition=models.Q(organisation__isnull=True),
                name="indicatorvalue_unique_per_scope",
            ),
            # The country's value belongs to no organisation.
            models.CheckConstraint(
                condition=models.Q(scope="strategy") | models.Q(organisation__isnull=True),
                name="indicatorvalue_country_without_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"

    @property
    def from_kolada(self) -> bool:
        return self.source == self.Source.KOLADA
