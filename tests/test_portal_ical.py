"""The iCalendar feed, read back by the icalendar library: what a person typed in a title or
a place stays inside its property, and long lines fold and unfold back exactly."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from portal.ical import body_calendar
from portal.models import Meeting


@pytest.fixture
def body(programme):
    return programme.steering_group


def _meeting(body, **fields) -> Meeting:
    starts = timezone.now() + timedelta(days=7)
    values = {
        "title": "Styrgruppsmöte",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
    }
    return Meeting.objects.create(body=body, **(values | fields))


def _feed(body) -> str:
    return body_calendar(
        body,
        body.meetings.prefetch_related("items"),
        host="test",
        url=lambda m: f"https://t/{m.pk}/",
    )


def _events(text: str) -> list:
    """The events as a calendar app that ends a content line at a CR, an LF or both sees them."""
    lines = re.sub(r"\r\n|\r|\n", "\r\n", text)
    return Calendar.from_ical(lines).walk("VEVENT")


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_a_line_break_in_a_title_or_place_injects_no_property(body, newline):
    title = f"Styrgruppsmöte{newline}LOCATION:evil"
    location = f"Örebro, rum 3{newline}ATTENDEE:mailto:evil@example.com"
    _meeting(body, title=title, location=location)
    text = _feed(body)
    # Every CR ends a content line together with its LF.
    assert re.search(r"\r(?!\n)|(?<!\r)\n", text) is None
    (event,) = _events(text)
    assert str(event["SUMMARY"]) == "Styrgruppsmöte\nLOCATION:evil"
    assert str(event["LOCATION"]) == "Örebro, rum 3\nATTENDEE:mailto:evil@example.com"
    assert "ATTENDEE" not in event


def test_backslash_semicolon_and_comma_are_escaped(body):
    _meeting(body, title=r"Budget; plan, C:\mapp", location="Rum 3;4")
    text = _feed(body)
    assert r"SUMMARY:Budget\; plan\, C:\\mapp" in text
    (event,) = _events(text)
    assert str(event["SUMMARY"]) == r"Budget; plan, C:\mapp"
    assert str(event["LOCATION"]) == "Rum 3;4"


def test_other_control_characters_are_left_out(body):
    # No NUL: forms refuse it (Django's validator) and PostgreSQL cannot store it.
    _meeting(body, title="Möte\x1b[31m\x7f\x08idag\tkl 9")
    (event,) = _events(_feed(body))
    assert str(event["SUMMARY"]) == "Möte[31midag\tkl 9"


def test_long_swedish_titles_fold_and_unfold_back_exactly(body):
    title = "Årsmöte för styrgruppen: öppna data, säkra videomöten och ärendehantering " * 4
    location = "Länsstyrelsens hörsal å ä ö Å Ä Ö " * 5
    _meeting(body, title=title, location=location)
    data = _feed(body).encode("utf-8")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character is split between two lines
    assert b"\r\n " in data  # the title did fold
    (event,) = _events(data.decode("utf-8"))
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == location
