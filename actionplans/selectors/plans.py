"""Reads of action plans. Anonymous readers see published and closed plans only; those who
work on a plan see it in every state."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import groupby
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from actionplans.access import PlanAccess, plan_accesses
from actionplans.budget import budget_table
from actionplans.models import (
    ActionPlan,
    Activity,
    ActivitySearch,
    BudgetLine,
    PlanEvent,
    Risk,
    SubGoal,
    public_plan_q,
)
from portal.history import newest_by
from portal.models import (
    Organisation,
    User,
)
from portal.page_cache import history_table, history_version, row_version
from portal.writes import remembered
from strategy.models import (
    CollaborationArea,
    CollaborationAreaUserObjectPermission,
    EffectGoal,
    FocusArea,
    Perspective,
    StrategicDirection,
    Strategy,
    StrategyUserObjectPermission,
)


def public_plans() -> QuerySet[ActionPlan]:
    # A correlated count runs only for the plans on the page; a JOIN + GROUP BY would
    # count every activity of every plan first.
    activity_count = (
        Activity.objects.filter(plan=OuterRef("pk"), removed_at__isnull=True)
        .order_by()
        .values("plan")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        ActionPlan.objects.filter(public_plan_q())
        .select_related("strategy", "strategy__owner")
        .annotate(activity_count=Coalesce(Subquery(activity_count, output_field=IntegerField()), 0))
        .order_by("-year", "strategy__title")
    )


def public_plan(*, strategy_slug: str, year: int) -> ActionPlan:
    return get_object_or_404(
        ActionPlan.objects.filter(public_plan_q()).select_related("strategy", "strategy__owner"),
        strategy__slug=strategy_slug,
        year=year,
    )


def worked_on_strategies(user: User) -> QuerySet[Strategy]:
    """The strategies whose plans the user works on (actionplans.access: a permission on
    the strategy or on one of its areas)."""
    if user.is_superuser:
        return Strategy.objects.all()
    return Strategy.objects.filter(
        pk__in=StrategyUserObjectPermission.objects.filter(user=user).values("content_object_id")
    ) | Strategy.objects.filter(
        pk__in=CollaborationAreaUserObjectPermission.objects.filter(user=user).values(
            "content_object__strategy_id"
        )
    )


def plans_for_user(user: User) -> list[ActionPlan]:
    """Every plan the user works on, newest first: those of the strategies they hold a
    permission on, through the strategy or one of its areas."""
    return list(
        ActionPlan.objects.filter(strategy__in=worked_on_strategies(user))
        .select_related("strategy")
        .order_by("strategy__title", "-year", "-revision")
    )


def plans_awaiting_review(user: User) -> list[tuple[ActionPlan, PlanAccess]]:
    """The plans under review that wait for the user's comment or approval
    (PlanAccess.awaits_review), oldest year first, with the user's access to each."""
    plans = list(
        ActionPlan.objects.filter(
            state=ActionPlan.State.REVIEW, strategy__in=worked_on_strategies(user)
        )
        .select_related("strategy")
        .order_by("year", "strategy__title", "pk")[:50]
    )
    accesses = plan_accesses(user, plans)
    return [(plan, accesses[plan.pk]) for plan in plans if accesses[plan.pk].awaits_review]


def plan_steps_of_year(user: User, year: int) -> list[PlanEvent]:
    """The workflow steps taken in ``year`` on the plans the user works on, oldest first."""
    return list(
        PlanEvent.objects.filter(
            kind=PlanEvent.Kind.TRANSITION,
            created_at__year=year,
            plan__strategy__in=worked_on_strategies(user),
        )
        .select_related("plan", "plan__strategy")
        .order_by("created_at", "pk")[:200]
    )


def readable_plans(user: User | AnonymousUser) -> QuerySet[ActionPlan]:
    """The plans a reader may see (access.can_view_plan, as one query): the published and
    closed plans of public strategies, and every plan of the strategies they work on."""
    public = public_plan_q()
    if not user.is_authenticated or not user.is_active:
        return ActionPlan.objects.filter(public)
    return ActionPlan.objects.filter(public | Q(strategy__in=worked_on_strategies(user)))


def readable_activities(user: User | AnonymousUser) -> QuerySet[Activity]:
    """The activities of those plans that are not removed, with everything the API and the
    plan page show of them prefetched."""
    return _activities_with_details().filter(plan__in=readable_plans(user), removed_at__isnull=True)


def activities_content_version() -> str:
    """A version that changes whenever any public list of activities may change: the newest
    write to anything such a list shows, or that decides who sees it (a plan's state, a
    strategy made public)."""
    return history_version([Activity, SubGoal, BudgetLine, ActionPlan, Strategy, Organisation])


def _newest(*histories: QuerySet) -> datetime | None:
    found = [history.aggregate(at=Max("history_date"))["at"] for history in histories]
    return max((at for at in found if at is not None), default=None)


def plan_last_changed(plan: ActionPlan) -> datetime | None:
    """The newest change of the plan, its activities and their sub-goals and budget lines."""
    return _newest(
        ActionPlan.history.filter(id=plan.pk),  # type: ignore[attr-defined]
        Activity.history.filter(plan_id=plan.pk),  # type: ignore[attr-defined]
        SubGoal.history.filter(activity__plan_id=plan.pk),  # type: ignore[attr-defined]
        BudgetLine.history.filter(activity__plan_id=plan.pk),  # type: ignore[attr-defined]
    )


def plans_first_public(strategy_ids: list[int]) -> dict[tuple[int, int], datetime]:
    """When each plan year of these strategies was first public (published or closed, in
    any revision), by (strategy id, year): the open-data dataset is the year's plan."""
    history = ActionPlan.history.filter(  # type: ignore[attr-defined]
        strategy_id__in=strategy_ids, state__in=ActionPlan.PUBLIC_STATES
    )
    rows = history.order_by().values("strategy_id", "year").annotate(at=Min("history_date"))
    return {(row["strategy_id"], row["year"]): row["at"] for row in rows}


def plans_last_changed(plan_ids: list[int]) -> dict[int, datetime]:
    """plan_last_changed for many plans, in four queries however many there are."""
    return newest_by(
        "plan_id",
        ActionPlan.history.filter(id__in=plan_ids).annotate(plan_id=F("id")),  # type: ignore[attr-defined]
        Activity.history.filter(plan_id__in=plan_ids),  # type: ignore[attr-defined]
        SubGoal.history.filter(activity__plan_id__in=plan_ids).annotate(  # type: ignore[attr-defined]
            plan_id=F("activity__plan_id")
        ),
        BudgetLine.history.filter(activity__plan_id__in=plan_ids).annotate(  # type: ignore[attr-defined]
            plan_id=F("activity__plan_id")
        ),
    )


def activities_last_changed(activities: list[Activity]) -> datetime | None:
    """The newest change of these activities, their sub-goals and budget lines."""
    ids = [activity.pk for activity in activities]
    if not ids:
        return None
    return _newest(
        Activity.history.filter(id__in=ids),  # type: ignore[attr-defined]
        SubGoal.history.filter(activity_id__in=ids),  # type: ignore[attr-defined]
        BudgetLine.history.filter(activity_id__in=ids),  # type: ignore[attr-defined]
    )


# One statement for the whole content version. Built with the ORM it was three queries whose
# compilation cost more than running them, and the plan page asks for it on every view.
_CONTENT_VERSION_SQL = """
SELECT
  (SELECT max(history_date) FROM {plan} WHERE id = %(plan)s),
  (SELECT max(history_date) FROM {activity} WHERE plan_id = %(plan)s),
  (SELECT max(history_date) FROM {focus_area} WHERE strategy_id = %(strategy)s),
  (SELECT max(h.history_date) FROM {direction} h
     JOIN {live_focus_area} f ON f.id = h.focus_area_id
    WHERE f.strategy_id = %(strategy)s),
  (SELECT max(history_date) FROM {area} WHERE strategy_id = %(strategy)s),
  (SELECT max(history_date) FROM {effect_goal}),
  (SELECT max(history_date) FROM {organisation}),
  -- Children: asked per history row of the plan's activities (deleted ones count too),
  -- so each lookup is one step down the (activity_id, history_date) index, not a scan.
  (SELECT max((SELECT c.history_date FROM {sub_goal} c WHERE c.activity_id = a.id
               ORDER BY c.history_date DESC LIMIT 1))
     FROM {activity} a WHERE a.plan_id = %(plan)s),
  (SELECT max((SELECT c.history_date FROM {budget_line} c WHERE c.activity_id = a.id
               ORDER BY c.history_date DESC LIMIT 1))
     FROM {activity} a WHERE a.plan_id = %(plan)s)
"""


@cache
def _content_version_sql() -> str:
    # Only table names from the models are formatted in; values are bound parameters.
    return _CONTENT_VERSION_SQL.format(
        plan=history_table(ActionPlan),
        activity=history_table(Activity),
        focus_area=history_table(FocusArea),
        live_focus_area=FocusArea._meta.db_table,
        direction=history_table(StrategicDirection),
        area=history_table(CollaborationArea),
        effect_goal=history_table(EffectGoal),
        organisation=history_table(Organisation),
        sub_goal=history_table(SubGoal),
        budget_line=history_table(BudgetLine),
    )


def public_plan_version(*, strategy_slug: str, year: int) -> str:
    """The version of a public plan's whole page: its activity list and its heading (the
    strategy's title). Http404 for a plan that is not public, as the page."""
    plan = public_plan(strategy_slug=strategy_slug, year=year)
    return plan_content_version(plan) + "-" + history_version([Strategy])


def plan_content_version(plan: ActionPlan) -> str:
    """A version that changes whenever anything shown in the plan's activity list changes.

    Every write to these models leaves a history row (simple-history, also for bulk writes
    through the *_with_history helpers and for deletions), so the newest history date of
    each is enough: one statement of small indexed lookups instead of rendering the list.
    """

    def read() -> str:
        parameters = {"plan": plan.pk, "strategy": plan.strategy_id}
        with connection.cursor() as cursor:
            cursor.execute(_content_version_sql(), parameters)
            row = cursor.fetchone()
        return row_version(row)

    # Kept while nothing is written (portal.writes): it costs more than the cards it keys.
    return remembered(("plan-content", plan.pk, plan.strategy_id), read)


def _activities_with_details() -> QuerySet[Activity]:
    return (
        Activity.objects.select_related("collaboration_area", "lead_organisation")
        .prefetch_related(
            Prefetch("focus_areas", queryset=FocusArea.objects.select_related("strategy")),
            "directions",
            "effect_goals",
            "perspectives",
            # By the activity's id, not its default ordering: that would join the activities
            # again only to sort the sub-goals by the activities' own order.
            Prefetch("sub_goals", queryset=SubGoal.objects.order_by("activity_id", "order")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("kind", "order", "year")),
        )
        .order_by("collaboration_area__order", "order", "pk")
    )


def plan_activities(plan: ActionPlan) -> ActionPlan:
    """The plan with its activities and everything the activity list shows, prefetched."""
    activities = _activities_with_details().filter(removed_at__isnull=True)
    prefetch_related_objects([plan], Prefetch("activities", queryset=activities))
    return plan


def _with_budget(activities: list[Activity]) -> list[Activity]:
    for activity in activities:
        activity.budget = budget_table(activity.budget_lines.all())  # type: ignore[attr-defined]
    return activities


def workspace_activities(plan: ActionPlan) -> list[Activity]:
    """Every activity of the plan, removed ones too, with what the workspace shows."""
    activities = _activities_with_details().filter(plan=plan).select_related("contact")
    return _with_budget(list(activities.prefetch_related("risks")))


def workspace_content_version(plan: ActionPlan) -> str:
    """A version that changes whenever anything the workspace's activity cards show
    changes: the public list's (plan_content_version) and the risks, perspectives and
    contacts only the workspace shows."""
    return plan_content_version(plan) + "-" + history_version([Risk, Perspective, User])


def workspace_activity(activity_id: int) -> Activity:
    activity = (
        _activities_with_details()
        .select_related("plan", "plan__strategy", "contact")
        .prefetch_related("risks")
        .get(pk=activity_id)
    )
    return _with_budget([activity])[0]


def group_by_area(activities: list[Activity]) -> list[tuple[object, list[Activity]]]:
    return [
        (area, list(items))
        for area, items in groupby(activities, key=lambda a: a.collaboration_area)
    ]


def plan_events(plan: ActionPlan) -> list[PlanEvent]:
    return list(plan.events.select_related("actor", "actor__organisation").order_by("created_at"))


# --- The public plan page: filters, grouping, coverage and totals ------------------------------


@dataclass(frozen=True)
class PlanFilters:
    """What the reader narrowed the plan page to. Unknown values are dropped, so the cache
    holds one copy per meaningful combination only."""

    status: str = ""
    kind: str = ""
    organisation: str = ""  # slug
    focus_area: str = ""  # slug
    group: str = "area"  # or "focus"

    @classmethod
    def from_query(cls, query) -> "PlanFilters":
        status = query.get("status", "")
        kind = query.get("typ", "")
        return cls(
            status=status if status in Activity.Status.values else "",
            kind=kind if kind in Activity.Kind.values else "",
            organisation=slugify(query.get("organisation", ""))[:200],
            focus_area=slugify(query.get("fokusomrade", ""))[:200],
            group="focus" if query.get("visa") == "fokusomraden" else "area",
        )

    @property
    def key(self) -> str:
        return "|".join((self.status, self.kind, self.organisation, self.focus_area, self.group))

    @property
    def query(self) -> dict[str, str]:
        """The query parameters that say this choice, as the page's filter form sends them
        (every field, empty where not chosen)."""
        return {
            "status": self.status,
            "typ": self.kind,
            "organisation": self.organisation,
            "fokusomrade": self.focus_area,
            "visa": "fokusomraden" if self.group == "focus" else "",
        }

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.organisation or self.focus_area)

    def match(self, activity: Activity) -> bool:
        return (
            (not self.status or activity.status == self.status)
            and (not self.kind or activity.kind == self.kind)
            and (not self.organisation or activity.lead_organisation.slug == self.organisation)
            and (
                not self.focus_area
                or any(fa.slug == self.focus_area for fa in activity.focus_areas.all())
            )
        )


def plan_overview(plan: ActionPlan, filters: PlanFilters) -> dict:
    """Everything the plan page's activity section shows, fetched up front."""
    plan = plan_activities(plan)
    everything = list(plan.activities.all())
    activities = _with_budget([a for a in everything if filters.match(a)])
    focus_areas = list(FocusArea.objects.filter(strategy_id=plan.strategy_id).order_by("order"))
    directions = list(
        StrategicDirection.objects.filter(focus_area__strategy_id=plan.strategy_id)
        .select_related("focus_area")
        .order_by("focus_area__order", "order")
    )
    covered = {d.pk for a in everything for d in a.directions.all()}
    groups: list[tuple[Any, list[Activity]]]
    if filters.group == "focus":
        groups = [
            (area, [a for a in activities if area in a.focus_areas.all()]) for area in focus_areas
        ]
        unlinked = [a for a in activities if not a.focus_areas.all()]
        groups = [(area, items) for area, items in groups if items]
        if unlinked:
            groups.append((None, unlinked))
    else:
        groups = group_by_area(activities)
    lines = sorted(
        (line for a in activities for line in a.budget_lines.all()),
        key=lambda line: (line.kind, line.order, line.label, line.year),
    )
    return {
        "plan": plan,
        "filters": filters,
        "groups": groups,
        "shown": len(activities),
        "total": len(everything),
        "focus_areas": focus_areas,
        "organisations": sorted({a.lead_organisation for a in everything}, key=lambda o: o.name),
        "statuses": Activity.Status.choices,
        "kinds": Activity.Kind.choices,
        "uncovered": [d for d in directions if d.pk not in covered],
        "budget": budget_table(lines),
    }


#: How many of a search's newest matches are ranked (search_activities).
SEARCH_RANKED = 500
#: How many of the best a search shows. Fetching and drawing a result costs about 0.25 ms,
#: more than finding and ranking it: with 50 a common word's page took 27-34 ms in one
#: process against 16 with 20 (a coordinator on the national data set, uncached).
SEARCH_SHOWN = 20


@dataclass(frozen=True)
class SearchResults:
    """The best matches of a search, and how many activities matched: counted exactly up
    to SEARCH_RANKED, beyond that only known to be more (``matched`` is then
    SEARCH_RANKED + 1), since counting every match of a common word costs more than the
    rest of the search."""

    activities: list[Activity]
    matched: int

    @property
    def newest_only(self) -> bool:
        """More matched than were ranked: the activities are the best of the newest."""
        return self.matched > SEARCH_RANKED

    @property
    def ranked(self) -> int:
        return SEARCH_RANKED


# The newest SEARCH_RANKED + 1 matches (read backwards down the primary keys until enough are
# found), counted, and the best of the newest SEARCH_RANKED ranked on their stored vectors
# (ActivitySearch, kept by a trigger, migration 0017). One statement on the visible plans'
# ids: the ORM's version joined plans and strategies twice to filter and took 5-7 ms to
# plan, more than finding and ranking the matches (1-2 ms).
_SEARCH_SQL = """
WITH newest AS (
  SELECT a.id, a.plan_id, a.title, s.document
    FROM {activity} a JOIN {search} s ON s.activity_id = a.id
   WHERE a.plan_id = ANY(%(plans)s) AND a.removed_at IS NULL
     AND s.document @@ websearch_to_tsquery('swedish', %(query)s)
   ORDER BY a.id DESC
   LIMIT %(ranked)s + 1
),
-- Counted here, over the rows the limit left: a window at the level above would count
-- every match first.
counted AS (
  SELECT n.*, row_number() OVER (ORDER BY n.id DESC) AS newness, count(*) OVER () AS matched
    FROM newest n
)
SELECT c.id, c.matched FROM counted c JOIN {plan} p ON p.id = c.plan_id
 WHERE c.newness <= %(ranked)s
 ORDER BY ts_rank(c.document, websearch_to_tsquery('swedish', %(query)s)) DESC,
          p.year DESC, c.title, c.id DESC
 LIMIT %(limit)s
"""


def readable_plan_ids(user: User | AnonymousUser) -> list[int]:
    """The ids of readable_plans, in order: what a search looks in (a few hundred at
    national scale), so that it filters on the activity's own column instead of joining
    plans and strategies, and what decides who may be shown a kept result list."""
    return list(readable_plans(user).order_by("pk").values_list("pk", flat=True))


def search_content_version() -> str:
    """A version that changes whenever a search may find or show something else: the
    activities' words, kind and status, their plans, strategies, areas and organisations."""
    return history_version([Activity, ActionPlan, Strategy, CollaborationArea, Organisation])


def search_activities(
    *, query: str, plan_ids: list[int], limit: int | None = None
) -> SearchResults:
    """The activities of ``plan_ids`` (readable_plan_ids: the plans the reader may see)
    whose title or description match the words, best first.

    A word found in most activities would mean ranking all of them, so only the newest
    SEARCH_RANKED matches (the last made) are ranked: such a search shows the best of the
    newest, and says so (SearchResults.newest_only). PostgreSQL ranks with its Swedish
    full-text configuration, so "kommunerna" finds "kommun"; other databases match each
    word as a substring and put the newest plan years first.
    """
    words = query.split()
    if not words:
        return SearchResults(activities=[], matched=0)
    if limit is None:
        limit = SEARCH_SHOWN
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _search_sql(),
                {"plans": plan_ids, "query": query, "ranked": SEARCH_RANKED, "limit": limit},
            )
            rows = cursor.fetchall()
        best = [pk for pk, _ in rows]
        matched = rows[0][1] if rows else 0
    else:
        matches = Activity.objects.filter(plan_id__in=plan_ids, removed_at__isnull=True)
        for word in words:
            matches = matches.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(expected_benefits__icontains=word)
            )
        newest = list(matches.order_by("-pk").values_list("pk", flat=True)[: SEARCH_RANKED + 1])
        matched = len(newest)
        best = list(
            Activity.objects.filter(pk__in=newest[:SEARCH_RANKED])
            .order_by("-plan__year", "title", "-pk")
            .values_list("pk", flat=True)[:limit]
        )
    return SearchResults(activities=_search_rows(best), matched=matched)


@cache
def _search_sql() -> str:
    # Only table names from the models are formatted in; values are bound parameters.
    return _SEARCH_SQL.format(
        activity=Activity._meta.db_table,
        search=ActivitySearch._meta.db_table,
        plan=ActionPlan._meta.db_table,
    )


#: What a search result shows of an activity (templates/actionplans/search.html).
_SEARCH_ROW_FIELDS = (
    "title",
    "plan",
    "plan__strategy",
    "collaboration_area",
    "lead_organisation",
    "description",
    "kind",
    "status",
    "plan__title",
    "plan__year",
    "plan__state",
    "plan__strategy__title",
    "plan__strategy__slug",
    "plan__strategy__is_public",
    "plan__strategy__state",
    "collaboration_area__name",
    "lead_organisation__name",
)


def _search_rows(ids: list[int]) -> list[Activity]:
    """The activities of ``ids`` in that order, with only what the result list shows: a
    strategy's long texts would otherwise come along once per result."""
    if not ids:
        return []
    found = Activity.objects.select_related(
        "plan", "plan__strategy", "collaboration_area", "lead_organisation"
    ).only(*_SEARCH_ROW_FIELDS)
    by_pk = {activity.pk: activity for activity in found.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids]
