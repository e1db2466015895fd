"""A body's members on its page: staff and the programme's coordinators find a person, add
them in a role, and end a membership (portal.access.can_manage_members). Each action posts
to its own URL; the search answers htmx with its results only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from portal import selectors, services
from portal.access import get_body_for_member_manager, get_membership_for_manager
from portal.forms import MembershipAddForm, add_service_errors
from portal.http import SignedInRequest
from portal.models import Body
from portal.params import query_text
from portal.views import body_page

#: The longest search the page reads: a name, an address or an organisation, with room.
QUERY_MAX = 100


def _search(request: SignedInRequest, body: Body, form: MembershipAddForm | None = None) -> dict:
    query = query_text(request, "q", max_length=QUERY_MAX)
    people, more = selectors.people_search(user=request.user, body=body, query=query)
    if form is None:
        form = MembershipAddForm(people=selectors.people_visible_to(request.user))
    return {
        "query": query,
        "people": people,
        "more": more,
        "limit": selectors.PEOPLE_SEARCH_LIMIT,
        "add_form": form,
    }


def _members(slug: str) -> HttpResponse:
    return redirect(reverse("body_detail", args=[slug]) + "#members-heading")


@require_GET
@login_required
@vary_on_headers("HX-Request")
def body_member_search(request: SignedInRequest, slug: str) -> HttpResponse:
    """People to add, by name, e-mail or organisation: htmx gets the results as the
    manager types; without JavaScript the form reloads the page with them."""
    body = get_body_for_member_manager(request.user, slug)
    search = _search(request, body)
    if request.htmx:
        context = {"body": body, **search}
        return render(request, "portal/body_detail.html#person-results", context)
    return body_page(request, body, search=search)


@login_required
@require_POST
def body_member_add(request: SignedInRequest, slug: str) -> HttpResponse:
    body = get_body_for_member_manager(request.user, slug)
    form = MembershipAddForm(request.POST, people=selectors.people_visible_to(request.user))
    if form.is_valid():
        try:
            membership = services.membership_add(body=body, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s is added to %(body)s as %(role)s.")
                % {
                    "person": membership.user,
                    "body": body,
                    "role": membership.get_role_display().lower(),
                },
            )
            return _members(slug)
    # The search the form came from (its q is in the form's address) and what went wrong.
    return body_page(request, body, search=_search(request, body, form))


@login_required
@require_POST
def body_member_end(request: SignedInRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = get_membership_for_manager(request.user, slug, membership_id)
    if services.membership_end(membership=membership, user=request.user):
        messages.success(
            request,
            _("%(person)s's membership has ended. It stays among the former members.")
            % {"person": membership.user},
        )
    else:
        messages.info(
            request, _("%(person)s's membership had already ended.") % {"person": membership.user}
        )
    return _members(slug)
