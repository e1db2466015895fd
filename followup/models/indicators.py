"""Indicator values, entered per year (and per organisation where the indicator asks)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import HistoryAttributes, Organisation
from strategy.models import Indicator


class IndicatorValue(models.Model, HistoryAttributes):
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
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
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
                fields=["indicator", "year"],
                condition=models.Q(organisation__isnull=True),
                name="indicatorvalue_unique_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
