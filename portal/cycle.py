"""The programme's yearly cycle (årshjul): planning, offers, follow-up and review, with this
year's real dates.

``portal`` knows no plans, offers or rounds (apps import downwards), so the apps register
sources of dated events for a person and a year (``register_cycle_events``), in their
AppConfig.ready(), and ``year_cycle`` puts them in the four phases. An event without a
phase (a meeting) goes in the phase that is under way on its date; a phase runs from its
first date to its last, since the programme's phases move from year to year with the
decisions that drive them.

The wheel is decoration for sighted readers, drawn here as SVG: the page lists the same
phases and dates beside it, and the SVG carries a <title> of its own. Every text in it is
escaped, since titles are typed by users.
"""

import base64
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.dates import today
from portal.models import User

PLANNING = "planning"
OFFERS = "offers"
FOLLOW_UP = "followup"
REVIEW = "review"
#: The phases in the order the year runs through them.
PHASES: tuple[tuple[str, Promise], ...] = (
    (PLANNING, gettext_lazy("Planning")),
    (OFFERS, gettext_lazy("Offers")),
    (FOLLOW_UP, gettext_lazy("Follow-up")),
    (REVIEW, gettext_lazy("Review")),
)
#: The wheel's colour of each phase; static/css/portal.css gives the list the same ones.
COLOURS = {PLANNING: "#2f5d8a", OFFERS: "#8a6100", FOLLOW_UP: "#2e7d4f", REVIEW: "#8a3b6f"}


@dataclass(frozen=True)
class CycleEvent:
    on: date
    label: str
    url: str = ""
    #: One of PHASES; empty for an event placed by its date (a meeting).
    phase: str = ""


CycleSource = Callable[[User, int], Sequence[CycleEvent]]


@dataclass(frozen=True)
class _Registration:
    order: int
    source: CycleSource


_sources: list[_Registration] = []


def register_cycle_events(source: CycleSource, *, order: int) -> None:
    """``source(user, year)`` returns the dated events of that year that concern the person,
    in a fixed number of queries."""
    if all(r.source is not source for r in _sources):
        _sources.append(_Registration(order, source))
        _sources.sort(key=lambda r: r.order)


@dataclass
class CyclePhase:
    key: str
    label: str
    events: list[CycleEvent] = field(default_factory=list)

    @property
    def starts(self) -> date | None:
        return self.events[0].on if self.events else None

    @property
    def ends(self) -> date | None:
        return self.events[-1].on if self.events else None

    def covers(self, day: date) -> bool:
        return self.starts is not None and self.ends is not None and self.starts <= day <= self.ends

    def today_at(self, day: date) -> int | None:
        """Where today goes among the phase's dates: before the first that is not past."""
        if not self.covers(day):
            return None
        return next(i for i, event in enumerate(self.events) if event.on >= day)


@dataclass(frozen=True)
class YearCycle:
    year: int
    today: date
    phases: list[CyclePhase]
    #: Dated events that fall in no phase's span.
    other: list[CycleEvent]

    @property
    def current(self) -> CyclePhase | None:
        """The phase under way today (the latest to start, where two overlap)."""
        under_way = [p for p in self.phases if p.covers(self.today)]
        return max(under_way, key=lambda p: p.starts or self.today, default=None)

    @property
    def today_index(self) -> int | None:
        """Where the list marks today: in the phase under way, before its first date to come."""
        current = self.current
        return current.today_at(self.today) if current is not None else None

    @property
    def is_empty(self) -> bool:
        return not self.other and not any(p.events for p in self.phases)

    @property
    def wheel(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(wheel_svg(self).encode()).decode()


def year_cycle(user: User, *, year: int | None = None) -> YearCycle:
    day = today()
    year = year or day.year
    events = [event for r in _sources for event in r.source(user, year) if event.on.year == year]
    events.sort(key=lambda e: (e.on, e.label))
    phases = {key: CyclePhase(key, str(label)) for key, label in PHASES}
    for event in events:
        if event.phase in phases:
            phases[event.phase].events.append(event)
    spans = [(p.starts, p.ends, p) for p in phases.values() if p.events]
    other = []
    for event in events:
        if event.phase in phases:
            continue
        covering = [p for starts, ends, p in spans if starts <= event.on <= ends]  # type: ignore[operator]
        if covering:
            covering[-1].events.append(event)
        else:
            other.append(event)
    for phase in phases.values():
        phase.events.sort(key=lambda e: (e.on, e.label))
    return YearCycle(year=year, today=day, phases=list(phases.values()), other=other)


# --- The wheel ---------------------------------------------------------------------------

SIZE = 240
CENTRE = SIZE / 2
OUTER = 112
INNER = 78
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#c8c8c8"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
#: A phase of one day is drawn this many days wide, so that it shows.
MIN_DAYS = 6


def _angle(day: date) -> float:
    """Clockwise from the top, where the year begins."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return 2 * math.pi * (day - start).days / length


def _xy(angle: float, radius: float) -> tuple[float, float]:
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


def _point(angle: float, radius: float) -> str:
    x, y = _xy(angle, radius)
    return f"{x:.1f},{y:.1f}"


def _band(start: float, end: float, outer: float, inner: float) -> str:
    large = 1 if end - start > math.pi else 0
    return (
        f"M{_point(start, outer)} A{outer},{outer} 0 {large} 1 {_point(end, outer)} "
        f"L{_point(end, inner)} A{inner},{inner} 0 {large} 0 {_point(start, inner)} Z"
    )


def wheel_svg(cycle: YearCycle) -> str:
    """The year as a ring of months, each phase an arc over its dates, a dot for each date,
    and a hand at today."""
    title = _("The yearly cycle %(year)s") % {"year": cycle.year}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" '
        f'height="{SIZE}" role="img" font-family="{FONT}" font-size="11" fill="{TEXT_COLOUR}">',
        f"<title>{escape(title)}</title>",
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{OUTER}" fill="none" stroke="{GRID_COLOUR}"/>',
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{INNER}" fill="none" stroke="{GRID_COLOUR}"/>',
    ]
    for month in range(1, 13):
        angle = _angle(date(cycle.year, month, 1))
        parts.append(
            f'<path d="M{_point(angle, INNER)} L{_point(angle, OUTER)}" stroke="{GRID_COLOUR}"/>'
        )
        x, y = _xy(_angle(date(cycle.year, month, 15)), INNER - 12)
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">{month}</text>')
    year_length = (date(cycle.year + 1, 1, 1) - date(cycle.year, 1, 1)).days
    widen = math.pi * MIN_DAYS / year_length
    for phase in cycle.phases:
        if phase.starts is None or phase.ends is None:
            continue
        start, end = _angle(phase.starts), _angle(phase.ends)
        if end - start < 2 * widen:
            start, end = start - widen, end + widen
        colour = COLOURS[phase.key]
        parts.append(
            f'<path d="{_band(start, end, OUTER - 2, INNER + 12)}" fill="{colour}" '
            f'fill-opacity="0.85"><title>{escape(phase.label)}</title></path>'
        )
        for event in phase.events:
            x, y = _xy(_angle(event.on), OUTER + 5)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
    if cycle.today.year == cycle.year:
        parts.append(
            f'<path d="M{CENTRE},{CENTRE} L{_point(_angle(cycle.today), OUTER + 6)}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
        )
        parts.append(f'<circle cx="{CENTRE}" cy="{CENTRE}" r="4" fill="{TEXT_COLOUR}"/>')
    parts.append(
        f'<text x="{CENTRE}" y="{CENTRE + 22}" text-anchor="middle" font-size="14" '
        f'font-weight="bold">{cycle.year}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
