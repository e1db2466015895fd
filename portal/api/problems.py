"""Errors as problem details (RFC 9457, `application/problem+json`): a title, the status
and a detail a person can act on; a form's field errors under `errors`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    429: "Too many requests",
}


def problem(status_code: int, detail: str, **extra) -> dict:
    return {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        **extra,
    }


def _detail(data) -> str:
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    if isinstance(data, list) and data:
        return " ".join(str(item) for item in data)
    return "The request has errors: see `errors`."


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        # A service's ValidationError: the same messages the pages show.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = problem(response.status_code, _detail(response.data))
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        body["errors"] = response.data
    elif isinstance(exc, exceptions.ValidationError):
        body["errors"] = {"non_field_errors": response.data}
    if isinstance(exc, Http404 | PermissionDenied) and not str(exc):
        body["detail"] = TITLES[response.status_code] + "."
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under /api/: a problem too, not the portal's HTML 404 page."""
    return JsonResponse(
        problem(status.HTTP_404_NOT_FOUND, "No such API endpoint: see /api/schema/."),
        status=404,
        content_type=PROBLEM_JSON,
    )
