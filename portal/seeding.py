"""Idempotent loading of demo data: write a row only when it is missing or different.

Writing only what changed keeps a second ``seed_demo`` run from touching the database at
all, so the audit trail does not fill with no-op history rows.
"""

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import models

M = TypeVar("M", bound=models.Model)


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def text(value: Any) -> str:
    """A YAML scalar as stored text: '' for null, block scalars without the trailing newline."""
    return "" if value is None else str(value).strip()


class Seeder:
    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.deleted: Counter[str] = Counter()
        #: Usernames of the demo accounts, for ``seed_demo --show-users``.
        self.demo_users: list[str] = []

    def upsert(
        self, model: type[M], lookup: dict[str, Any], values: dict[str, Any] | None = None
    ) -> M:
        values = values or {}
        obj = model._default_manager.filter(**lookup).first()
        name = model._meta.verbose_name_plural
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.created[str(name)] += 1
            return obj
        changed = [field for field, value in values.items() if getattr(obj, field) != value]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.full_clean()
            obj.save(update_fields=changed)
            self.updated[str(name)] += 1
        return obj

    def set_m2m(self, obj: models.Model, field: str, targets: Sequence[models.Model]) -> None:
        manager = getattr(obj, field)
        if {t.pk for t in manager.all()} != {t.pk for t in targets}:
            manager.set(targets)
            self.updated[f"{obj._meta.verbose_name_plural} ({field})"] += 1

    def prune(self, queryset: models.QuerySet, keep: Sequence[models.Model]) -> None:
        """Delete the rows of ``queryset`` the seed no longer has (e.g. a removed point)."""
        stale = queryset.exclude(pk__in=[obj.pk for obj in keep])
        for obj in stale:
            obj.delete()
            self.deleted[str(obj._meta.verbose_name_plural)] += 1

    def summary(self) -> str:
        parts = []
        for label, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            if counter:
                items = ", ".join(f"{count} {name}" for name, count in sorted(counter.items()))
                parts.append(f"{label}: {items}")
        return "; ".join(parts) or "nothing to change"
