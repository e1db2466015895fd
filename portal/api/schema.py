"""The schema's error responses: every operation may answer with a problem (RFC 9457), and
the schema says so, so that a client (and schemathesis) knows the shape of each error."""

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "description": "The errors of each field, by its name."},
    },
}

#: The errors any operation may give, and those of the writes.
READ_ERRORS = {
    "400": "A query parameter is not valid",
    "401": "The API key is unknown or revoked",
    "404": "No such resource, or not one the key's user may see",
    "406": "Only JSON is served",
    "429": "Too many requests: wait as Retry-After says",
}
WRITE_ERRORS = {
    "403": "The key may not do this",
    "415": "Send JSON",
}


def problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            errors = dict(READ_ERRORS)
            if method in ("post", "put", "patch", "delete"):
                errors.update(WRITE_ERRORS)
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result
