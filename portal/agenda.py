"""What a body's meeting can take up: the apps above ``portal`` register their sources here.

``portal`` knows nothing of plans, initiatives or reports (apps import downwards), yet the
secretary who sets a meeting's agenda wants to pick "the 2025 plan, awaiting approval" from
a list rather than paste a link. Each app registers, in its AppConfig.ready(), a function
that lists what awaits a decision of a given body; the meeting page offers their union.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import Body


@dataclass(frozen=True)
class AgendaSubject:
    """Something a meeting can take up: a model instance with a title and a page."""

    object: models.Model
    title: str
    url: str
    #: Shown before the title, e.g. "Plan awaiting approval".
    kind: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"

    @property
    def key(self) -> str:
        content_type = ContentType.objects.get_for_model(self.object)
        return f"{content_type.pk}:{self.object.pk}"


AgendaSource = Callable[[Body], Iterable[AgendaSubject]]
_sources: list[AgendaSource] = []


def register_agenda_source(source: AgendaSource) -> None:
    if source not in _sources:
        _sources.append(source)


def agenda_subjects(body: Body) -> list[AgendaSubject]:
    """Everything awaiting the body's attention, from every registered app."""
    return [subject for source in _sources for subject in source(body)]
