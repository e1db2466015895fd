"""Shared fixtures. Every view test uses the same three people (as healthchecks' hc/test.py):
``owner`` (a member of the body that owns the object), ``member`` (signed in, same
organisation, no role) and ``outsider`` (signed in, another organisation)."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from portal.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    from portal import page_cache

    cache.clear()
    page_cache.fragments.clear()


@pytest.fixture(autouse=True)
def _front_door(settings):
    """On as in production (the tests share one process, so the per-process cache serves as
    the shared one), with nothing kept from another test."""
    from portal import front_door, writes

    settings.PUBLIC_PAGE_FRONT_DOOR = True
    front_door.store.clear()
    writes.versions.clear()
    writes._seen = None


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Tests sign people in with force_login; the second factor's own tests turn it on."""
    settings.MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _swedish(settings):
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Region Testlän", kind="region")


@pytest.fixture
def owner(organisation):
    user = UserFactory(username="owner", organisation=organisation)
    MembershipFactory(user=user, role=Membership.Role.CHAIR, body__organisation=organisation)
    return user


@pytest.fixture
def member(organisation):
    return UserFactory(username="member", organisation=organisation)


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", organisation=OrganisationFactory(name="Annan kommun"))


DEMO_PASSWORD = "demo-password"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the Örebro demo once into the test database; each test rolls back its changes.

    pytest-django runs the transactional tests (which empty the database) after all others.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_PASSWORD=DEMO_PASSWORD, PASSWORD_HASHERS=FAST_HASHERS),
    ):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def demo(db):
    """The demo data (loaded once per session by django_db_setup)."""


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"portal: database={engine}, celery broker={broker}"


# --- Action plans (the demo's county strategy) --------------------------------------------------


def demo_user(username: str):
    from portal.models import User

    return User.objects.get(username=username)


@pytest.fixture
def draft_plan(demo):
    """The demo's 2024 draft of the county strategy."""
    from actionplans.models import ActionPlan

    return ActionPlan.objects.select_related("strategy").get(
        strategy__slug="orebro-lan-2021-2026", year=2024
    )


@pytest.fixture
def published_plan(demo):
    from actionplans.models import ActionPlan

    return ActionPlan.objects.select_related("strategy").get(
        strategy__slug="orebro-lan-2021-2026", year=2023
    )


@pytest.fixture
def as_user():
    """``as_user("samordnare")`` -> (user, access to the plan given)."""
    from actionplans.access import plan_access

    def make(username: str, plan):
        user = demo_user(username)
        return user, plan_access(user, plan)

    return make


# --- Follow-up -------------------------------------------------------------------------------


@pytest.fixture
def open_round():
    """``open_round(plan)`` -> a whole-year round opened by samordnare (the plan is set to
    approved first if it is a draft), with a draft report per activity."""
    from datetime import timedelta

    from django.utils import timezone

    from actionplans.models import ActionPlan
    from followup.access import round_access
    from followup.models import FollowUpRound
    from followup.services.rounds import round_open

    def make(plan, *, term=""):
        if plan.state not in (ActionPlan.State.APPROVED, ActionPlan.State.PUBLISHED):
            ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.APPROVED)
            plan.refresh_from_db()
        user = demo_user("samordnare")
        return round_open(
            plan=plan,
            user=user,
            access=round_access(user, FollowUpRound(plan=plan)),
            year=plan.year,
            term=term,
            deadline=timezone.localdate() + timedelta(days=30),
        )

    return make


@pytest.fixture
def programme(db):
    """A strategy with its bodies, a person per role and a draft and a published plan, made in
    code for this test (tests.factories.Programme lists the people)."""
    from tests.factories import programme_make

    return programme_make()


# --- h-tests2 -----------------------------------------------------------------------------------


@pytest.fixture
def programme_round(programme):
    """``programme_round(plan, term="")`` -> a whole-year (or one term's) round of one of the
    programme's plans, opened by its coordinator (a draft plan is set to approved first), with
    a draft report per activity: ``open_round`` without the demo."""
    from datetime import timedelta

    from django.utils import timezone

    from actionplans.models import ActionPlan
    from followup.access import round_access
    from followup.models import FollowUpRound
    from followup.services.rounds import round_open

    def make(plan, *, term=""):
        if plan.state not in (ActionPlan.State.APPROVED, ActionPlan.State.PUBLISHED):
            ActionPlan.objects.filter(pk=plan.pk).update(state=ActionPlan.State.APPROVED)
            plan.refresh_from_db()
        user = programme.coordinator
        return round_open(
            plan=plan,
            user=user,
            access=round_access(user, FollowUpRound(plan=plan)),
            year=plan.year,
            term=term,
            deadline=timezone.localdate() + timedelta(days=30),
        )

    return make


# --- The broker ---------------------------------------------------------------------------------


class FakeBroker:
    """What the tests' Celery sends to: refuses every message while ``down`` (as Redis does
    when it is unreachable), else records it in ``sent`` as (task name, args)."""

    def __init__(self) -> None:
        self.down = False
        self.sent: list[tuple[str, tuple]] = []


@pytest.fixture
def broker(monkeypatch) -> FakeBroker:
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    fake = FakeBroker()

    def apply_async(task, args=None, kwargs=None, **options):
        if fake.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        fake.sent.append((task.name, tuple(args or ())))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return fake
