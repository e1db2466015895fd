"""What the strategy editor shows of a row of the tree (strategy.models.TREE_NODES)."""

from django import template
from django.utils.translation import gettext as _

from strategy.models import TREE_NODES

register = template.Library()


@register.filter
def tree_fields(row, kind: str) -> list[tuple[str, object]]:
    """The row's filled fields after the first (its title, shown as the heading), as
    (label, value); a related row is what the page has read already."""
    node = TREE_NODES[kind]
    shown = []
    for name in node.fields[1:]:
        value = getattr(row, name)
        if value in ("", None, False):
            continue
        label = node.model._meta.get_field(name).verbose_name  # type: ignore[union-attr]
        shown.append((str(label).capitalize(), _("Yes") if value is True else value))
    return shown


@register.filter
def tree_heading(row, kind: str) -> object:
    return getattr(row, TREE_NODES[kind].fields[0])
