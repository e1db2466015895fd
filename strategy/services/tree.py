"""Writes to a strategy's tree from the editor: its own fields, and the rows under it
(``strategy.models.TREE_NODES``) added, edited, moved and removed.

Views check access through ``strategy.access``; these functions check the strategy's state
and the row's version again under a row lock, so that two people never both win: an edit
made from an older version than the stored one is refused with what changed, as an
activity's is.
"""

from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.history import EditConflict, conflict_details
from portal.limits import check_lengths
from portal.models import User
from portal.services import renumber_with_history
from strategy.access import StrategyAccess
from strategy.models import FocusArea, Strategy, TreeNode


class TreeConflict(EditConflict):
    """Someone saved the strategy or the row after the editor opened it (or the form did not
    say which version it was opened at). Nothing was written."""

    def __str__(self) -> str:
        if not self.base_known:
            return "The form did not say which version it was opened at."
        return f"Saved by {self.changed_by} at {self.changed_at}, after it was opened."


@dataclass
class StrategyFields:
    """What the editor writes on the strategy itself."""

    title: str
    vision: str = ""
    summary: str = ""
    period_start: int | None = None
    period_end: int | None = None
    preparation_process: str = ""
    follow_up: str = ""


STRATEGY_FIELDS = tuple(f.name for f in fields(StrategyFields))


def _refuse_unless_coordinator(access: StrategyAccess) -> None:
    if not access.is_coordinator:
        raise PermissionDenied("Only the strategy's coordinators edit it.")


def lock_editable(strategy: Strategy) -> Strategy:
    """The strategy locked for the edit, if its state lets the tree be changed."""
    stored = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not stored.is_editable:
        raise ValidationError(
            _(
                "The strategy is “%(state)s”: it can only be changed as a draft or in "
                "revision. Start a revision to change a decided strategy."
            )
            % {"state": stored.get_state_display()}
        )
    return stored


def check_period(period_start: int | None, period_end: int | None) -> None:
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("The period must end in or after its first year.")})


@transaction.atomic
def strategy_update(
    *,
    strategy: Strategy,
    data: StrategyFields,
    expected_version: int | None,
    user: User,
    access: StrategyAccess,
) -> Strategy:
    _refuse_unless_coordinator(access)
    stored = lock_editable(strategy)
    if expected_version is None or stored.version != expected_version:
        raise TreeConflict(**conflict_details(stored, expected_version, STRATEGY_FIELDS))
    if not data.title.strip():
        raise ValidationError({"title": _("Give the strategy a title.")})
    check_period(data.period_start, data.period_end)
    for name in STRATEGY_FIELDS:
        value = getattr(data, name)
        setattr(stored, name, value.strip() if isinstance(value, str) else value)
    check_lengths(stored)
    stored.full_clean()
    stored.version += 1
    stored._history_user = user
    stored.save()
    return stored


def _siblings(node: TreeNode, parent_id: int) -> models.QuerySet:
    return node.model.objects.filter(**{f"{node.parent}_id": parent_id})  # type: ignore[attr-defined]


def _unique_slug(node: TreeNode, strategy: Strategy, text: str, exclude: int | None = None) -> str:
    base = slugify(text)[:190] or "del"
    taken = set(
        node.model.objects.filter(strategy=strategy)  # type: ignore[attr-defined]
        .exclude(pk=exclude)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_values(node: TreeNode, strategy: Strategy, values: dict) -> dict:
    unknown = set(values) - set(node.fields)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    focus_area = values.get("focus_area")
    if isinstance(focus_area, FocusArea) and focus_area.strategy_id != strategy.pk:
        raise ValidationError({"focus_area": _("The focus area is not one of the strategy's.")})
    return {name: v.strip() if isinstance(v, str) else v for name, v in values.items()}


def _saved(obj: models.Model, user: User) -> None:
    check_lengths(obj)
    obj.full_clean()
    obj._history_user = user  # type: ignore[attr-defined]
    obj.save()


@transaction.atomic
def node_create(
    *,
    strategy: Strategy,
    node: TreeNode,
    parent: models.Model,
    values: dict,
    user: User,
    access: StrategyAccess,
) -> models.Model:
    """Add a row at the end of its parent's (the strategy, a focus area or a direction)."""
    _refuse_unless_coordinator(access)
    lock_editable(strategy)
    in_strategy = node.parent_model.objects.filter(pk=parent.pk)  # type: ignore[attr-defined]
    if node.parent != "strategy":
        in_strategy = in_strategy.filter(**{node.strategy_path.split("__", 1)[1]: strategy})
    if not in_strategy.exists():
        raise ValidationError(_("What you add to is not part of this strategy."))
    values = _check_values(node, strategy, values)
    last = _siblings(node, parent.pk).aggregate(last=Max("order"))["last"]
    obj = node.model(**{node.parent: parent}, order=(last or 0) + 1, **values)
    if node.slug_from:
        obj.slug = _unique_slug(node, strategy, values.get(node.slug_from, ""))  # type: ignore[attr-defined]
    _saved(obj, user)
    return obj


def _lock_row(node: TreeNode, obj: models.Model) -> models.Model:
    return node.model.objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]


@transaction.atomic
def node_update(
    *,
    strategy: Strategy,
    node: TreeNode,
    obj: models.Model,
    values: dict,
    expected_version: int | None,
    user: User,
    access: StrategyAccess,
) -> models.Model:
    """Save a row's fields; refuse a save made from an older version, or from a form that
    does not say which (``expected_version`` None)."""
    _refuse_unless_coordinator(access)
    lock_editable(strategy)
    stored = _lock_row(node, obj)
    if expected_version is None or stored.version != expected_version:  # type: ignore[attr-defined]
        raise TreeConflict(**conflict_details(stored, expected_version, node.fields))
    values = _check_values(node, strategy, values)
    for name, value in values.items():
        setattr(stored, name, value)
    stored.version += 1  # type: ignore[attr-defined]
    _saved(stored, user)
    return stored


@transaction.atomic
def node_move(
    *,
    strategy: Strategy,
    node: TreeNode,
    obj: models.Model,
    direction: str,
    user: User,
    access: StrategyAccess,
) -> None:
    """Move a row one place up or down among its parent's."""
    _refuse_unless_coordinator(access)
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    lock_editable(strategy)
    parent_id = getattr(obj, f"{node.parent}_id")
    rows = list(_siblings(node, parent_id).select_for_update().order_by("order", "pk"))
    index = next(i for i, other in enumerate(rows) if other.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    renumber_with_history(rows, user)


@transaction.atomic
def node_remove(
    *,
    strategy: Strategy,
    node: TreeNode,
    obj: models.Model,
    user: User,
    access: StrategyAccess,
) -> None:
    """Remove a row with what sits under it (a focus area's directions and their points);
    the history keeps it. A row that other things still point at is refused."""
    _refuse_unless_coordinator(access)
    lock_editable(strategy)
    stored = _lock_row(node, obj)
    stored._history_user = user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            stored.delete()
    except models.ProtectedError as error:
        raise ValidationError(
            _(
                "“%(name)s” cannot be removed: %(count)s other rows (such as effect goals or "
                "activities) still refer to it. Move or remove them first."
            )
            % {"name": stored, "count": len(error.protected_objects)}
        ) from None
