"""The write generation: a value in the shared cache that changes after every committed
write to the database, by any process.

``watch_writes``, a wrapper around every statement Django runs (so that no service can
forget it), changes it once a transaction that wrote commits (at once where there is no
transaction). Within the writing process a counter changes at the write itself, so that
process sees its own change even before the commit. Writes that change nothing a reader
sees (sessions, sign-in attempts) leave it alone.

``portal.front_door`` keeps public pages while the generation stands; ``remembered`` keeps
the content versions that signed-in pages read, which cost more than the rest of a kept
fragment. Both hold what they keep for ``PUBLIC_PAGE_MEMORY_SECONDS`` at most, which bounds
what a write whose bump was lost while Redis was unreachable can leave behind. Both are on
only with ``PUBLIC_PAGE_FRONT_DOOR``, that is with a cache that every process shares: with
the per-process development cache, the worker's writes would not reach the web process.
"""

import re
import secrets
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from portal.memory import SizedLru

GENERATION_KEY = "portal:write-generation"
#: Tables written while nobody changes what a page shows.
QUIET_TABLES = ("django_session", "axes_")

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)', re.IGNORECASE)


def _bump() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


_local_writes = 0


def watch_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict
) -> Any:
    """A database execute wrapper: a write to a table a page may show changes the write
    generation once it is committed (at once where there is no transaction)."""
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match and not match[1].startswith(QUIET_TABLES):
        global _local_writes
        _local_writes += 1
        connection: BaseDatabaseWrapper = context["connection"]
        if not connection.in_atomic_block:
            _bump()
        # Once per transaction: a callback already waiting for this commit will do.
        elif not any(entry[1] is _bump for entry in connection.run_on_commit):
            connection.on_commit(_bump, robust=True)
    return result


def watch_connection(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """For Django's ``connection_created``: every connection has its writes watched."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def watch_open_connections() -> None:
    for connection in connections.all(initialized_only=True):
        watch_connection(connection)


def current_generation() -> str | None:
    """The write generation, or None while the cache is unreachable."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A cleared or restarted cache: a random value, so that nothing kept before it
        # can match again.
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def written() -> tuple[str, int] | None:
    """Where the writes stand: the generation and this process's own count of writes, or
    None while the cache is unreachable."""
    generation = current_generation()
    return None if generation is None else (generation, _local_writes)


_seen: tuple[float, str] | None = None


def written_lately() -> tuple[str, int] | None:
    """``written()``, with the generation read from the shared cache at most every
    ``PUBLIC_PAGE_GENERATION_SECONDS``: for the front door, whose answer the cache's round
    trip would otherwise dominate. This process's own writes still count at once; another
    process's show within that time (50 ms) to anonymous readers, who write nothing."""
    global _seen
    now = time.monotonic()
    if _seen is not None and now - _seen[0] < settings.PUBLIC_PAGE_GENERATION_SECONDS:
        return (_seen[1], _local_writes)
    generation = current_generation()
    _seen = None if generation is None else (now, generation)
    return None if generation is None else (generation, _local_writes)


#: What ``remembered`` keeps: a few short strings per plan, offer or round.
versions = SizedLru()
_VERSIONS_LIMIT = 20_000


def remembered(key: Hashable, compute: Callable[[], str]) -> str:
    """``compute()`` (a content version read from the database), kept in this process
    while nothing was written anywhere since it was read."""
    if not settings.PUBLIC_PAGE_FRONT_DOOR:
        return compute()
    # Where the writes stand is read before the version: a write committed after this
    # read changes the generation, so a version it made stale is not used again.
    now = written()
    if now is None:
        return compute()
    kept = versions.get(key, max_age=settings.PUBLIC_PAGE_MEMORY_SECONDS)
    if kept is not None and kept[0] == now:
        return kept[1]  # type: ignore[no-any-return]
    value = compute()
    versions.put(key, (now, value), size=1, limit=_VERSIONS_LIMIT)
    return value
