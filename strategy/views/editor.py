"""The strategy editor: the coordinators write the strategy's tree in place (htmx swaps
one row's form, or the whole tree after a move) and with plain forms without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from portal.forms import add_service_errors
from portal.http import SignedInRequest
from portal.params import ID_MAX, parse_int, posted_choice
from strategy import selectors
from strategy.access import (
    StrategyAccess,
    get_strategy_for_editor,
    get_tree_row_for_editor,
    tree_parent,
)
from strategy.forms import StrategyFieldsForm, node_form_class
from strategy.models import TREE_NODES, Strategy, TreeNode
from strategy.services import tree
from strategy.workflow import available_transitions

PAGE = "strategy/editor.html"


def _page(
    request: SignedInRequest,
    strategy: Strategy,
    access: StrategyAccess,
    *,
    partial: str = "",
    status: int = 200,
    **context,
) -> HttpResponse:
    """The editor's page, or one of its partials; ``context`` names the form open for
    editing (``editing``: "strategy" or (kind, id)) with its ``form`` and ``conflict``."""
    loaded = selectors.editor_tree(strategy)
    focus_areas = list(loaded.focus_areas.all())
    if access.can_edit_tree:
        # The add forms, one under each focus area and direction: built here, from the
        # tree already read, so that the page reads nothing while it renders.
        for area in focus_areas:
            area.add_form = _form(  # type: ignore[attr-defined]
                TREE_NODES["inriktningar"], focus_areas, f"ny-{area.pk}"
            )
            for direction in area.directions.all():
                direction.add_form = _form(  # type: ignore[attr-defined]
                    TREE_NODES["taktiska-punkter"], focus_areas, f"ny-{direction.pk}"
                )
        context["add_forms"] = {
            node.model._meta.model_name: _form(node, focus_areas, "ny")
            for node in TREE_NODES.values()
            if node.parent == "strategy"
        }
    context.update(
        strategy=loaded,
        access=access,
        # By model name, which a template can look up (the URLs' words have hyphens).
        nodes={node.model._meta.model_name: node for node in TREE_NODES.values()},
        transitions=available_transitions(loaded, access),
    )
    if not partial and access.can_revise:
        context["revisions"] = selectors.strategy_revisions(loaded)
    template = f"{PAGE}#{partial}" if partial else PAGE
    return render(request, template, context, status=status)


def _form(node: TreeNode, focus_areas: list, prefix: str, **kwargs):
    return node_form_class(node)(
        focus_areas=focus_areas, auto_id=f"{prefix}-{node.kind}-%s", **kwargs
    )


def _done(request: SignedInRequest, strategy: Strategy, access: StrategyAccess) -> HttpResponse:
    """After a change: htmx gets the tree back, others the page."""
    if request.htmx:
        return _page(request, strategy, access, partial="tree")
    return redirect(reverse("strategy:editor", args=[strategy.slug]) + "#tree")


@login_required
@require_GET
def strategy_editor(request: SignedInRequest, slug: str) -> HttpResponse:
    strategy, access = get_strategy_for_editor(request.user, slug)
    return _page(request, strategy, access)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def strategy_fields_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    """The strategy's own fields (title, period, vision, summary), with the version check."""
    strategy, access = get_strategy_for_editor(request.user, slug)
    form = StrategyFieldsForm(
        request.POST or None, initial=StrategyFieldsForm.initial_for(strategy)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            tree.strategy_update(
                strategy=strategy,
                data=form.to_input(strategy),
                expected_version=form.cleaned_data["version"],
                user=request.user,
                access=access,
            )
        except tree.TreeConflict as error:
            # Keep what was typed; show what is stored; the next save overwrites it.
            conflict = error
            form = StrategyFieldsForm({**request.POST.dict(), "version": error.stored.version})
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The strategy is saved."))
            if request.htmx:
                return _page(request, strategy, access, partial="fields")
            return redirect(reverse("strategy:editor", args=[strategy.slug]) + "#fields")
    partial = "fields" if request.htmx else ""
    status = 409 if conflict and not request.htmx else 200
    return _page(
        request, strategy, access, partial=partial, status=status,
        editing="strategy", form=form, conflict=conflict,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def node_edit(request: SignedInRequest, slug: str, kind: str, row_id: int) -> HttpResponse:
    """One row's form in place of the row; saved, the row (htmx) or the page comes back."""
    strategy, access, node, row = get_tree_row_for_editor(request.user, slug, kind, row_id)
    focus_areas = list(strategy.focus_areas.all()) if "focus_area" in node.fields else []
    form = _form(node, focus_areas, "andra", data=request.POST or None, instance=row)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            tree.node_update(
                strategy=strategy, node=node, obj=row, values=form.values(),
                expected_version=form.cleaned_data["version"], user=request.user, access=access,
            )  # fmt: skip
        except tree.TreeConflict as error:
            conflict = error
            data = {**request.POST.dict(), "version": error.stored.version}
            form = _form(node, focus_areas, "andra", data=data, instance=error.stored)
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _done(request, strategy, access)
    status = 409 if conflict and not request.htmx else 200
    return _page(
        request, strategy, access, partial="tree" if request.htmx else "", status=status,
        editing=(kind, row.pk), form=form, conflict=conflict,
    )  # fmt: skip


@login_required
@require_POST
@vary_on_headers("HX-Request")
def node_create(request: SignedInRequest, slug: str, kind: str) -> HttpResponse:
    """Add a row at the end of the strategy's, a focus area's or a direction's."""
    strategy, access = get_strategy_for_editor(request.user, slug)
    node = TREE_NODES.get(kind)
    if node is None:
        return _done(request, strategy, access)
    parent = tree_parent(
        strategy, node, parse_int(request.POST.get("parent"), minimum=1, maximum=ID_MAX)
    )
    focus_areas = list(strategy.focus_areas.all()) if "focus_area" in node.fields else []
    form = _form(
        node, focus_areas, "ny", data=request.POST, instance=node.model(**{node.parent: parent})
    )
    if form.is_valid():
        try:
            tree.node_create(
                strategy=strategy, node=node, parent=parent, values=form.values(),
                user=request.user, access=access,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        errors = "; ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
        messages.error(request, _("Not added: %(errors)s") % {"errors": errors})
    else:
        messages.success(request, _("Added: %(what)s.") % {"what": node.label})
    return _done(request, strategy, access)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def node_move(request: SignedInRequest, slug: str, kind: str, row_id: int) -> HttpResponse:
    strategy, access, node, row = get_tree_row_for_editor(request.user, slug, kind, row_id)
    direction = posted_choice(request, "direction", ("up", "down"))
    try:
        tree.node_move(
            strategy=strategy, node=node, obj=row, direction=direction,
            user=request.user, access=access,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _done(request, strategy, access)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def node_remove(request: SignedInRequest, slug: str, kind: str, row_id: int) -> HttpResponse:
    strategy, access, node, row = get_tree_row_for_editor(request.user, slug, kind, row_id)
    try:
        tree.node_remove(strategy=strategy, node=node, obj=row, user=request.user, access=access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed: %(what)s.") % {"what": row})
    return _done(request, strategy, access)
