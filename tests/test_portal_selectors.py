"""Reads about people and bodies for the home page: their bodies' next meetings and the
year's meetings (portal.selectors)."""

from datetime import datetime, timedelta

from django.utils import timezone

from portal.models import Meeting
from portal.selectors import coming_meetings_for, meetings_of_year


def _meeting(body, starts, title="Möte"):
    return Meeting.objects.create(
        body=body, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


def test_coming_meetings_are_those_of_the_users_bodies_soonest_first(programme):
    now = timezone.now()
    later = _meeting(programme.steering_group, now + timedelta(days=20), "Senare")
    sooner = _meeting(programme.steering_group, now + timedelta(days=2), "Snart")
    _meeting(programme.steering_group, now - timedelta(days=2), "Förra veckan")
    _meeting(programme.strategy_group, now + timedelta(days=1), "Strategigruppen")
    assert coming_meetings_for(programme.steering) == [sooner, later]
    assert coming_meetings_for(programme.steering, limit=1) == [sooner]
    assert coming_meetings_for(programme.member) == []


def test_a_meeting_under_way_is_still_coming(programme):
    now = timezone.now()
    meeting = _meeting(programme.steering_group, now - timedelta(hours=1))
    assert coming_meetings_for(programme.steering) == [meeting]


def test_meetings_of_year(programme):
    zone = timezone.get_current_timezone()
    march = _meeting(programme.steering_group, datetime(2025, 3, 4, 13, tzinfo=zone))
    _meeting(programme.steering_group, datetime(2024, 3, 4, 13, tzinfo=zone))
    assert meetings_of_year(programme.steering, 2025) == [march]
    assert meetings_of_year(programme.outsider, 2025) == []


def test_a_former_member_is_shown_no_meetings_of_the_body(programme):
    from portal.models import Membership

    now = timezone.now()
    _meeting(programme.steering_group, now + timedelta(days=2))
    Membership.objects.filter(user=programme.steering, body=programme.steering_group).update(
        ended_on=timezone.localdate()
    )
    assert coming_meetings_for(programme.steering) == []
    assert meetings_of_year(programme.steering, (now + timedelta(days=2)).year) == []
