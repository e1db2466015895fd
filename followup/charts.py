"""The SVG charts of the PDF report and the programme dashboard: an indicator's values
against its targets over the years, and horizontal bars for figures per area or year.

Written by hand: a plotting library would be a large dependency for bars, a line and a few
labels. A chart is decoration for sighted readers; the page and the report put the same
figures in a table beside it, and the SVG carries a <title> and <desc> of its own. Every
text in it is escaped, since titles, names and units are typed by users. The series differ
in pattern as well as in colour and each bar carries its figure, so that a chart reads in
grey scale and in print.
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


def _text_width(text: str, font_size: int) -> float:
    """About how wide ``text`` is drawn (a sans-serif's mean letter is some 0.58 em)."""
    return len(text) * font_size * 0.58


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
    comparison: dict[int, Decimal] | None = None,
    comparison_label: str = "",
    value_label: str = "",
) -> Chart | None:
    """Bars for the values, a line with markers for the targets; None without any figure.
    ``comparison`` (the whole country's values, say) adds a hatched bar beside each value."""
    comparison = comparison or {}
    figures = [float(v) for v in (*targets.values(), *values.values(), *comparison.values())]
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
    if comparison:
        parts.append(f"<defs>{_pattern('hatch', VALUE_COLOUR)}</defs>")
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
    bar_width = min(36.0, slot * (0.35 if comparison else 0.5))
    zero = y(max(low, 0.0))
    for index, year in enumerate(years):
        # With a comparison, the value's bar stands left of the year and the comparison's
        # right of it.
        left = x(index) - (bar_width if comparison else bar_width / 2)
        if year in values:
            top = y(float(values[year]))
            parts.append(
                f'<rect class="value" data-year="{year}" x="{left:.1f}" '
                f'y="{min(top, zero):.1f}" width="{bar_width:.1f}" '
                f'height="{abs(zero - top):.1f}" fill="{VALUE_COLOUR}"/>'
            )
        if year in comparison:
            top = y(float(comparison[year]))
            parts.append(
                f'<rect class="comparison" data-year="{year}" x="{left + bar_width:.1f}" '
                f'y="{min(top, zero):.1f}" width="{bar_width:.1f}" '
                f'height="{abs(zero - top):.1f}" fill="url(#hatch)" stroke="{VALUE_COLOUR}"/>'
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
    # Legend: each entry as wide as its (translated) label.
    value_text = value_label or _("Value")
    target_x = LEFT + 20 + _text_width(value_text, 15) + 16
    parts.append(f'<rect x="{LEFT}" y="8" width="14" height="12" fill="{VALUE_COLOUR}"/>')
    parts.append(f'<text x="{LEFT + 20}" y="18">{escape(value_text)}</text>')
    parts.append(
        f'<line x1="{target_x:.1f}" y1="14" x2="{target_x + 24:.1f}" y2="14" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 3"/>'
    )
    parts.append(f'<text x="{target_x + 30:.1f}" y="18">{escape(_("Target"))}</text>')
    if comparison:
        comparison_x = target_x + 30 + _text_width(_("Target"), 15) + 16
        parts.append(
            f'<rect x="{comparison_x:.1f}" y="8" width="14" height="12" fill="url(#hatch)" '
            f'stroke="{VALUE_COLOUR}"/>'
        )
        parts.append(f'<text x="{comparison_x + 20:.1f}" y="18">{escape(comparison_label)}</text>')
    if unit:
        parts.append(f'<text x="{WIDTH - RIGHT}" y="18" text-anchor="end">{escape(unit)}</text>')
    parts.append("</svg>")
    alt = _("Chart: %(title)s, values against targets %(first)s–%(last)s.") % {
        "title": title,
        "first": years[0],
        "last": years[-1],
    }
    return Chart(svg="".join(parts), alt=alt)


# --- Horizontal bars: figures per area (or year), one bar per series ----------------------

BAR_HEIGHT = 14
BAR_GAP = 3  # between the bars of one category
CATEGORY_GAP = 12
LABEL_WIDTH = 190  # room for the categories' names
LABEL_CHARS = 26  # a longer name is cut short in the chart (the table has it whole)
VALUE_ROOM = 64  # right of the longest bar, for its figure

#: The series' looks, in order: a fill colour and a pattern, so that the series differ in
#: grey scale too. Traffic lights name theirs (see bar_chart's ``styles``).
STYLES: dict[str, tuple[str, str]] = {
    "solid": ("#2f5d8a", ""),
    "hatch": ("#b34700", "hatch"),
    "dots": ("#3d7a3d", "dots"),
    "light": ("#8fb3d9", ""),
    "cross": ("#6b4c9a", "cross"),
    "lines": ("#555555", "lines"),
    "green": ("#2e7d32", ""),
    "yellow": ("#e0a800", "dots"),
    "red": ("#c62828", "cross"),
}
DEFAULT_STYLES = ("solid", "hatch", "dots", "cross", "lines", "light")


def _pattern(kind: str, colour: str) -> str:
    """A <pattern> named ``kind`` drawn in ``colour`` on white."""
    shapes = {
        "hatch": f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/>',
        "lines": f'<line x1="0" y1="0" x2="6" y2="0" stroke="{colour}" stroke-width="3"/>',
        "cross": (
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="2"/>'
            f'<line x1="0" y1="0" x2="6" y2="0" stroke="{colour}" stroke-width="2"/>'
        ),
        "dots": f'<circle cx="3" cy="3" r="1.8" fill="{colour}"/>',
    }
    rotate = ' patternTransform="rotate(45)"' if kind in ("hatch", "cross") else ""
    return (
        f'<pattern id="{kind}" patternUnits="userSpaceOnUse" width="6" height="6"{rotate}>'
        f'<rect width="6" height="6" fill="#ffffff"/>{shapes[kind]}</pattern>'
    )


def _fill(style: str) -> tuple[str, str]:
    """The fill of a bar in ``style`` and the <pattern> it needs ("" for a plain colour)."""
    colour, pattern = STYLES[style]
    if not pattern:
        return colour, ""
    # One pattern per style: two styles may share a pattern's shape in different colours.
    definition = _pattern(pattern, colour).replace(f'id="{pattern}"', f'id="p-{style}"', 1)
    return f"url(#p-{style})", definition


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Series:
    label: str
    #: One figure per category; None draws no bar and writes "–".
    values: list[Decimal | None]


def bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    maximum: Decimal | None = None,
    suffix: str = "",
    styles: tuple[str, ...] = DEFAULT_STYLES,
) -> Chart | None:
    """Horizontal bars: for each category (an area, a year) one bar per series, each with
    its figure at its end (``suffix`` after it, " %" say). The scale runs from 0 to
    ``maximum`` (100 for percentages), or to the largest figure. None without any figure
    other than 0."""
    figures = [value for row in series for value in row.values if value is not None]
    # Nothing but zeros draws no chart: the table says it as well.
    if not categories or not series or not any(figures):
        return None
    top = float(maximum) if maximum is not None else max(float(max(figures)), 0.0)
    if top <= 0:
        top = 1.0
    plot_width = WIDTH - LABEL_WIDTH - VALUE_ROOM
    legend_height = 24 if len(series) > 1 else 0
    group = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = TOP - 10 + legend_height + len(categories) * (group + CATEGORY_GAP)
    fills = []
    definitions = []
    for index in range(len(series)):
        fill, definition = _fill(styles[index % len(styles)])
        fills.append(fill)
        if definition and definition not in definitions:
            definitions.append(definition)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" font-family="{FONT}" font-size="13" '
        f'fill="{TEXT_COLOUR}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
    ]
    if definitions:
        parts.append(f"<defs>{''.join(definitions)}</defs>")
    if len(series) > 1:
        x = 4.0
        for index, row in enumerate(series):
            parts.append(
                f'<rect x="{x:.1f}" y="6" width="14" height="12" fill="{fills[index]}" '
                f'stroke="{TEXT_COLOUR}" stroke-width="0.5"/>'
            )
            parts.append(f'<text class="legend" x="{x + 18:.1f}" y="16">{escape(row.label)}</text>')
            x += 18 + _text_width(row.label, 13) + 14
    y = float(TOP - 10 + legend_height)
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{y - 4:.1f}" x2="{LABEL_WIDTH}" '
        f'y2="{height - CATEGORY_GAP / 2:.1f}" stroke="{GRID_COLOUR}"/>'
    )
    for category_index, category in enumerate(categories):
        parts.append(
            f'<text class="category" x="{LABEL_WIDTH - 6}" y="{y + group / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(_short(category))}</text>'
        )
        for index, row in enumerate(series):
            value = row.values[category_index]
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            text = "–" if value is None else format_number(value) + suffix
            width = 0.0 if value is None else plot_width * max(float(value), 0.0) / top
            if value is not None:
                parts.append(
                    f'<rect class="bar" data-series="{index}" x="{LABEL_WIDTH}" '
                    f'y="{bar_y:.1f}" width="{width:.2f}" height="{BAR_HEIGHT}" '
                    f'fill="{fills[index]}" stroke="{TEXT_COLOUR}" stroke-width="0.5"/>'
                )
            parts.append(
                f'<text class="value" data-series="{index}" x="{LABEL_WIDTH + width + 4:.1f}" '
                f'y="{bar_y + BAR_HEIGHT - 3:.1f}">{escape(text)}</text>'
            )
        y += group + CATEGORY_GAP
    parts.append("</svg>")
    return Chart(svg="".join(parts), alt=_("Chart: %(title)s.") % {"title": title})
