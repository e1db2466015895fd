"""portal.writes.remembered: a content version kept while nothing is written."""

import pytest
from django.core.cache import cache

from portal import writes
from tests.factories import OrganisationFactory


@pytest.fixture
def read():
    """A version read from the database: numbered by how often it was read."""
    counted = []

    def read():
        counted.append(1)
        return f"version {len(counted)}"

    return read


def test_a_version_is_read_once_while_nothing_is_written(db, read):
    assert writes.remembered("k", read) == "version 1"
    assert writes.remembered("k", read) == "version 1"
    assert writes.remembered("other", read) == "version 2", "each key has its own"


def test_a_write_in_this_process_is_seen_at_once(db, read):
    writes.remembered("k", read)
    OrganisationFactory(name="Skrivande kommun")  # in the test's transaction, uncommitted
    assert writes.remembered("k", read) == "version 2"


def test_a_write_elsewhere_is_seen_through_the_generation(db, read):
    writes.remembered("k", read)
    cache.set(writes.GENERATION_KEY, "another process wrote")
    assert writes.remembered("k", read) == "version 2"


def test_a_session_write_keeps_the_version(db, read):
    from django.contrib.sessions.backends.db import SessionStore

    writes.remembered("k", read)
    SessionStore().save()
    assert writes.remembered("k", read) == "version 1"


def test_a_version_is_trusted_only_so_long(db, read, settings, monkeypatch):
    writes.remembered("k", read)
    later = writes.time.monotonic() + settings.PUBLIC_PAGE_MEMORY_SECONDS + 1
    monkeypatch.setattr(writes.time, "monotonic", lambda: later)
    assert writes.remembered("k", read) == "version 2"


def test_without_a_shared_cache_or_while_it_is_unreachable_it_is_read_every_time(
    db, read, settings, monkeypatch
):
    settings.PUBLIC_PAGE_FRONT_DOOR = False
    writes.remembered("k", read)
    assert writes.remembered("k", read) == "version 2", "the worker's writes would go unseen"
    settings.PUBLIC_PAGE_FRONT_DOOR = True
    monkeypatch.setattr(writes, "current_generation", lambda: None)
    writes.remembered("k", read)
    assert writes.remembered("k", read) == "version 4"
