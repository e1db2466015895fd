"""The query parameters of a list, read and checked as a serializer: a bad value is a 400
with the parameter named, never a 500, and the schema documents each parameter."""

from rest_framework import serializers

from portal.params import ID_MAX, YEAR_MAX, YEAR_MIN


class ListFilters(serializers.Serializer):
    changed_since = serializers.DateTimeField(
        required=False,
        help_text="Only rows changed at or after this moment (ISO 8601: 2026-01-31T00:00Z).",
    )

    @classmethod
    def read(cls, request) -> dict:
        filters = cls(data=request.query_params)
        # A form reads `?year=` as "no filter"; from a program it is more likely a bug, so
        # it is refused rather than quietly widening the list.
        empty = {
            name: ["Give a value, or leave the parameter out."]
            for name in filters.fields
            if name in request.query_params and not request.query_params[name].strip()
        }
        if empty:
            raise serializers.ValidationError(empty)
        filters.is_valid(raise_exception=True)
        return filters.validated_data


def year_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs
    )


def id_field(**kwargs) -> serializers.IntegerField:
    """An object's id: a number beyond a bigint is a 400, not an overflow in the query."""
    kwargs.setdefault("required", False)
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)
