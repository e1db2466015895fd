"""The open-data catalogue and the files of its datasets: public, cacheable (ETag and
Last-Modified from the rows' history) and readable from any web page (CORS)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from actionplans.opendata import catalogue, files
from actionplans.selectors import plans as plan_selectors
from portal.api.base import conditional
from portal.http import PortalRequest
from strategy import selectors as strategy_selectors

RDF_XML = "application/rdf+xml; charset=utf-8"
TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _public(request: PortalRequest, response: HttpResponse, modified) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    response["Cache-Control"] = "no-cache"
    return conditional(request, response, modified)


def _file(content: str, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@require_safe
def dcat(request: PortalRequest) -> HttpResponse:
    content, modified = catalogue.catalogue_rdf_xml()
    response = HttpResponse(content, content_type=RDF_XML)
    return _public(request, response, modified)


@require_safe
def plan_dataset(request: PortalRequest, strategy_slug: str, year: int, fmt: str) -> HttpResponse:
    if fmt not in TYPES:
        raise Http404
    plan = plan_selectors.public_plan(strategy_slug=strategy_slug, year=year)
    data = files.plan_json(plan_selectors.plan_activities(plan))
    content = files.plan_csv(data) if fmt == "csv" else _json(data)
    response = _file(content, fmt, f"handlingsplan-{strategy_slug}-{year}")
    return _public(request, response, plan_selectors.plan_last_changed(plan))


@require_safe
def strategy_dataset(request: PortalRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in TYPES:
        raise Http404
    strategy = strategy_selectors.strategy_tree(slug=slug)
    data = files.strategy_json(strategy)
    content = files.strategy_csv(data) if fmt == "csv" else _json(data)
    response = _file(content, fmt, f"strategi-{slug}")
    modified = strategy_selectors.strategies_last_changed([strategy.pk]).get(strategy.pk)
    return _public(request, response, modified)
