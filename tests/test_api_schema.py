"""schemathesis against the API's own OpenAPI schema: every operation, anonymous and with
a key that may write, with bounded generated examples: no 5xx, and every response (errors
included) matches what the schema says."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.wsgi import application
from tests.factories import activities_make, api_key_make, programme_make

pytestmark = pytest.mark.django_db

#: Examples per operation: enough to hit each parameter's edges, few enough for CI.
EXAMPLES = 20


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes the database connection after each request, as a server should;
    Django's test client stops that in tests, and so must we: the test's transaction (and
    on PostgreSQL its connection) has to outlive each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    # The walk makes hundreds of requests from one address in a minute.
    settings.API_RATE_PER_ADDRESS = "100000/minute"
    settings.API_RATE_PER_TOKEN = "100000/minute"


@pytest.fixture
def writer_key(db):
    p = programme_make()
    activities_make(p)
    return api_key_make(p.coordinator, can_write_indicator_values=True)


# Loaded as a client would, from the portal itself (the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@SETTINGS
def test_every_operation_anonymously(case):
    case.call_and_validate()


@schema.parametrize()
@SETTINGS
def test_every_operation_with_a_key(case, writer_key):
    # A schema says what a well-formed value looks like, not which organisation or
    # indicator exists: a write naming one that does not is refused (400/404) by design.
    excluded = [positive_data_acceptance] if case.method == "POST" else []
    case.call_and_validate(
        headers={"Authorization": f"Bearer {writer_key}"}, excluded_checks=excluded
    )
