"""Lists are paged by cursor: a page stays right while rows are added (an offset would
skip or repeat them), and no page costs a count of the whole table."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from portal.params import ID_MAX, parse_int

MAX_PAGE_SIZE = 200


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE
    # The primary key: unique and never changed, so a cursor stays valid.
    ordering = "pk"
    cursor_query_description = "The page to read: the `next` or `previous` link of a page."
    page_size_query_description = f"Rows per page (at most {MAX_PAGE_SIZE}, 50 if not given)."

    def decode_cursor(self, request):
        """A cursor is ours only if its position is an id: a forged `p=abc` reached the
        query and PostgreSQL refused it (a 500)."""
        cursor = super().decode_cursor(request)
        position = None if cursor is None else cursor.position
        if position is not None and parse_int(str(position), minimum=0, maximum=ID_MAX) is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_page_size(self, request):
        """A page size outside 1 to MAX_PAGE_SIZE is a 400, not quietly another size."""
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        size = parse_int(given, minimum=1, maximum=MAX_PAGE_SIZE)
        if size is None:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_paginated_response_schema(self, schema):
        wrapped = super().get_paginated_response_schema(schema)
        wrapped["required"] = ["next", "previous", "results"]
        return wrapped
