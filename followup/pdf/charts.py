"""An indicator's values against its targets over the years, as a small SVG chart.

Written by hand: a plotting library would be a large dependency for bars, a line and a few
labels. The chart is decoration for sighted readers; the report puts the same figures in
a table beside it, and the SVG carries a <title> and <desc> of its own. Every text in it
is escaped, since indicator titles and units are typed by users.
"""

import base64
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH = 520
HEIGHT = 230
LEFT = 70  # room for the value axis labels
RIGHT = 12
TOP = 34  # room for the legend
BOTTOM = 30  # room for the years
VALUE_COLOUR = "#2f5d8a"
TARGET_COLOUR = "#b34700"
GRID_COLOUR = "#c8c8c8"
TEXT_COLOUR = "#222222"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    svg: str
    #: A short description for the <img alt>; the figures are in the table beside it.
    alt: str

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def format_number(value: Decimal | float | int | None) -> str:
    if value is None:
        return "–"
    value = Decimal(value)
    # As many decimals as the figure has (82.50 -> 82,5), at most two.
    places = (
        0 if value == value.to_integral_value() else -int(value.normalize().as_tuple().exponent)
    )
    return number_format(value, decimal_pos=min(places, 2), use_l10n=True, force_grouping=True)


def _nice_step(span: float, steps: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^n) that divides ``span`` into about ``steps``."""
    raw = span / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def indicator_chart(
    *,
    title: str,
    unit: str,
    years: list[int],
    targets: dict[int, Decimal],
    values: dict[int, Decimal],
) -> Chart | None:
    """Bars for the values, a line with markers for the targets; None without any figure."""
    figures = [float(v) for v in (*targets.values(), *values.values())]
    if not years or not figures:
        return None
    low = min(0.0, *figures)
    high = max(0.0, *figures)
    if high == low:
        high = low + 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step

    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / len(years)

    def x(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    def y(value: float) -> float:
        return TOP + plot_height * (high - value) / (high - low)

    unit_text = f" ({unit})" if unit else ""
    description = _("Values and targets per year for %(title)s%(unit)s.") % {
        "title": title,
        "unit": unit_text,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" font-family="{FONT}" font-size="15" '
        f'fill="{TEXT_COLOUR}">',
        f"<title>{escape(title)}{escape(unit_text)}</title>",
        f"<desc>{escape(description)}</desc>",
    ]
    # Grid lines and value labels.
    ticks = round((high - low) / step)
    for i in range(ticks + 1):
        value = low + i * step
        ty = y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="{1.2 if value == 0 else 0.6}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">'
            f"{escape(format_number(Decimal(str(round(value, 2)))))}</text>"
        )
    # Bars for the values.
    bar_width = min(36.0, slot * 0.5)
    zero = y(max(low, 0.0))
    for index, year in enumerate(years):
        if year in values:
            top = y(float(values[year]))
            parts.append(
                f'<rect x="{x(index) - bar_width / 2:.1f}" y="{min(top, zero):.1f}" '
                f'width="{bar_width:.1f}" height="{abs(zero - top):.1f}" fill="{VALUE_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{x(index):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{year}</text>"
        )
    # The target line, broken where a year has no target, with a marker on each target.
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, year in enumerate(years):
        if year in targets:
            segment.append(f"{x(index):.1f},{y(float(targets[year])):.1f}")
        elif segment:
            segments.append(segment)
            segment = []
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{TARGET_COLOUR}" '
                f'stroke-width="2" stroke-dasharray="6 3"/>'
            )
        for point in points:
            cx, cy = point.split(",")
            parts.append(
                f'<rect x="{float(cx) - 4:.1f}" y="{float(cy) - 4:.1f}" width="8" height="8" '
                f'fill="{TARGET_COLOUR}" transform="rotate(45 {cx} {cy})"/>'
            )
    # Legend.
    parts.append(f'<rect x="{LEFT}" y="8" width="14" height="12" fill="{VALUE_COLOUR}"/>')
    parts.append(f'<text x="{LEFT + 20}" y="18">{escape(_("Value"))}</text>')
    parts.append(
        f'<line x1="{LEFT + 110}" y1="14" x2="{LEFT + 134}" y2="14" stroke="{TARGET_COLOUR}" '
        f'stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(f'<text x="{LEFT + 140}" y="18">{escape(_("Target"))}</text>')
    if unit:
        parts.append(f'<text x="{WIDTH - RIGHT}" y="18" text-anchor="end">{escape(unit)}</text>')
    parts.append("</svg>")
    alt = _("Chart: %(title)s, values against targets %(first)s–%(last)s.") % {
        "title": title,
        "first": years[0],
        "last": years[-1],
    }
    return Chart(svg="".join(parts), alt=alt)
