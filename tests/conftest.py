"""Shared fixtures. Every view test uses the same three people (as healthchecks' hc/test.py):
``owner`` (a member of the body that owns the object), ``member`` (signed in, same
organisation, no role) and ``outsider`` (signed in, another organisation)."""

import io

import pytest
from django.core.management import call_command

from portal.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "demo-password"
    call_command("seed_demo", stdout=io.StringIO())


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    return f"portal: database={engine}, celery broker={broker}"
