"""A page that uses the CSP nonce and a form, kept by portal.page_cache (test only)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal import urls as portal_urls
from portal.page_cache import public_page

PAGE = engines["django"].from_string(
    '<script nonce="{{ request.csp_nonce }}" src="/static/x.js"></script>'
    '<form method="post" action="{% url "set_language" %}">{% csrf_token %}</form>'
    "<p>{{ counter }}</p>"
)
rendered = {"count": 0}


@public_page(lambda: "v1")
def page(request):
    rendered["count"] += 1
    return HttpResponse(PAGE.render({"counter": rendered["count"]}, request))


urlpatterns = [path("sida/", page), *portal_urls.urlpatterns]
