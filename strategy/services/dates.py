"""The steps of a strategy's workflow that its dates take: a decided strategy goes in force
on the first day of its period (1 January), an in-force one ends after its last day, and a
revision in force replaces what it revises at once.

One path only: the daily ``strategy.tasks.strategies_by_date`` runs this (and so can
``manage.py strategies_by_date``); pages never change a state as they are viewed. Running
it twice on a day changes nothing the second time.
"""

from django.db import transaction

from portal.dates import today
from strategy.models import Strategy

State = Strategy.State


def _move(pk: int, source: str, target: str) -> Strategy | None:
    """The strategy in ``target``, if it was in ``source`` when its row was locked."""
    stored = Strategy.objects.select_for_update().filter(pk=pk, state=source).first()
    if stored is None:
        return None
    stored.state = target
    stored.version += 1
    # Nobody took the step: the history shows no user.
    stored._history_user = None
    stored.save(update_fields=["state", "version"])
    return stored


@transaction.atomic
def strategies_by_date() -> list[Strategy]:
    """Put in force what is decided and due, end what is past or replaced by a revision in
    force. Returns the strategies changed."""
    year = today().year
    changed: list[Strategy] = []
    due = Strategy.objects.filter(state=State.DECIDED, period_start__lte=year).order_by("pk")
    for pk, revises_id in due.values_list("pk", "revises_id"):
        started = _move(pk, State.DECIDED, State.IN_FORCE)
        if started is None:
            continue
        changed.append(started)
        if revises_id is not None:
            # A revision covers the same period: the revised text stops applying today.
            changed.extend(
                s
                for s in (
                    _move(revises_id, State.IN_FORCE, State.ENDED),
                    _move(revises_id, State.DECIDED, State.ENDED),
                )
                if s is not None
            )
    past = Strategy.objects.filter(state=State.IN_FORCE, period_end__lt=year).order_by("pk")
    for pk in past.values_list("pk", flat=True):
        ended = _move(pk, State.IN_FORCE, State.ENDED)
        if ended is not None:
            changed.append(ended)
    return changed
