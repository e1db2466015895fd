"""The yearly cycle (portal.cycle): the apps' dated events put in the four phases, the
meetings in the phase under way on their date, today's phase, and the wheel."""

import base64
from datetime import date

import pytest

from portal import cycle
from portal.cycle import FOLLOW_UP, OFFERS, PLANNING, REVIEW, CycleEvent, year_cycle


@pytest.fixture
def sources(monkeypatch):
    """Only the sources a test registers, on a fixed today (2026-06-10)."""
    monkeypatch.setattr(cycle, "_sources", [])
    monkeypatch.setattr(cycle, "today", lambda: date(2026, 6, 10))

    def register(*events):
        cycle.register_cycle_events(lambda user, year: list(events), order=len(cycle._sources))

    return register


def test_events_go_to_their_phases_in_date_order(sources, member):
    sources(
        CycleEvent(date(2026, 3, 1), "Plan inskickad", phase=PLANNING),
        CycleEvent(date(2026, 2, 1), "Plan skapad", phase=PLANNING),
        CycleEvent(date(2026, 5, 20), "Sista svarsdag", phase=OFFERS),
        CycleEvent(date(2026, 9, 30), "Sista dag för rapporterna", phase=FOLLOW_UP),
    )
    found = year_cycle(member, year=2026)
    assert [p.key for p in found.phases] == [PLANNING, OFFERS, FOLLOW_UP, REVIEW]
    planning, offers, follow_up, review = found.phases
    assert [e.label for e in planning.events] == ["Plan skapad", "Plan inskickad"]
    assert (planning.starts, planning.ends) == (date(2026, 2, 1), date(2026, 3, 1))
    assert [e.label for e in offers.events] == ["Sista svarsdag"]
    assert [e.label for e in follow_up.events] == ["Sista dag för rapporterna"]
    assert review.events == [] and review.starts is None
    assert not found.is_empty


def test_a_meeting_goes_in_the_phase_under_way_on_its_date(sources, member):
    sources(
        CycleEvent(date(2026, 4, 1), "Öppnar", phase=FOLLOW_UP),
        CycleEvent(date(2026, 6, 30), "Stänger", phase=FOLLOW_UP),
        CycleEvent(date(2026, 5, 12), "Styrgruppsmöte"),
        CycleEvent(date(2026, 11, 3), "Rådsmöte"),
    )
    found = year_cycle(member, year=2026)
    follow_up = found.phases[2]
    assert [e.label for e in follow_up.events] == ["Öppnar", "Styrgruppsmöte", "Stänger"]
    assert [e.label for e in found.other] == ["Rådsmöte"]


def test_today_marks_the_phase_under_way(sources, member):
    sources(
        CycleEvent(date(2026, 1, 15), "Plan", phase=PLANNING),
        CycleEvent(date(2026, 5, 1), "Öppnar", phase=FOLLOW_UP),
        CycleEvent(date(2026, 6, 30), "Stänger", phase=FOLLOW_UP),
    )
    found = year_cycle(member, year=2026)
    assert found.today == date(2026, 6, 10)
    assert found.current is found.phases[2]


def test_no_phase_is_under_way_between_phases(sources, member):
    sources(CycleEvent(date(2026, 1, 15), "Plan", phase=PLANNING))
    assert year_cycle(member, year=2026).current is None


def test_events_of_other_years_are_left_out(sources, member):
    sources(CycleEvent(date(2025, 12, 31), "Förra året", phase=PLANNING))
    found = year_cycle(member, year=2026)
    assert found.is_empty
    assert found.phases[0].events == []


def test_the_year_is_this_year_unless_asked(sources, member):
    assert year_cycle(member).year == 2026


def test_the_wheel_is_an_svg_with_an_arc_per_phase_and_the_hand_at_today(sources, member):
    sources(
        CycleEvent(date(2026, 2, 1), "Plan", phase=PLANNING),
        CycleEvent(date(2026, 3, 1), "Plan inskickad", phase=PLANNING),
        CycleEvent(date(2026, 9, 30), "Sista dag", phase=FOLLOW_UP),
    )
    found = year_cycle(member, year=2026)
    prefix = "data:image/svg+xml;base64,"
    assert found.wheel.startswith(prefix)
    svg = base64.b64decode(found.wheel.removeprefix(prefix)).decode()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<title>" in svg and "2026" in svg
    # One arc per phase with dates, in its colour: planning and follow-up.
    assert svg.count('fill-opacity="0.85"') == 2
    assert cycle.COLOURS[PLANNING] in svg and cycle.COLOURS[FOLLOW_UP] in svg
    assert cycle.COLOURS[REVIEW] not in svg
    # A dot for each date, and the hand from the centre.
    assert svg.count('r="2.5"') == 3
    assert f"M{cycle.CENTRE},{cycle.CENTRE} L" in svg


def test_the_wheel_of_another_year_has_no_hand(sources, member):
    sources(CycleEvent(date(2025, 3, 1), "Plan", phase=PLANNING))
    svg = year_cycle(member, year=2025).wheel
    decoded = base64.b64decode(svg.split(",", 1)[1]).decode()
    assert f"M{cycle.CENTRE},{cycle.CENTRE} L" not in decoded


def test_today_goes_before_the_first_date_to_come_in_the_phase_under_way(sources, member):
    sources(
        CycleEvent(date(2026, 5, 1), "Öppnar", phase=FOLLOW_UP),
        CycleEvent(date(2026, 6, 10), "Möte idag"),
        CycleEvent(date(2026, 6, 30), "Stänger", phase=FOLLOW_UP),
    )
    found = year_cycle(member, year=2026)
    assert [e.label for e in found.current.events] == ["Öppnar", "Möte idag", "Stänger"]
    assert found.today_index == 1
    assert found.phases[0].today_at(found.today) is None


def test_no_today_in_the_list_when_no_phase_is_under_way(sources, member):
    sources(CycleEvent(date(2026, 1, 15), "Plan", phase=PLANNING))
    assert year_cycle(member, year=2026).today_index is None
