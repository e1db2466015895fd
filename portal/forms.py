"""Form helpers shared by the apps."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal import limits
from portal.models import Membership, User
from portal.params import ID_MAX, YEAR_MAX, YEAR_MIN, parse_int

#: The largest number an integer column holds on every database (PositiveIntegerField):
#: a form's count above it is a form error, not an OverflowError when it is saved.
INTEGER_MAX = 2**31 - 1


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one the form
    has, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionField(forms.IntegerField):
    """The version of an object that its form was opened at, in a hidden field.

    Missing, empty or garbled (``²``, a number out of range) is None and never a form error:
    the services take None for a conflict, so the editor is shown what is stored rather
    than an error on a field they cannot see, or a silent overwrite.
    """

    widget = forms.HiddenInput
    #: What a version can be (a positive integer column on every database).
    LIMIT = INTEGER_MAX

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            number = super().to_python(value)
        except ValidationError:
            return None
        return number if number is not None and 1 <= number <= self.LIMIT else None


def validate_year(value: date) -> None:
    """A date (or a time) in a year the portal has a use for: year 1 or 9999 is a typing
    slip, and one that overflows when a time is converted to UTC or a day is added."""
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(
            _("Give a year from %(first)s to %(last)s."),
            code="year",
            params={"first": YEAR_MIN, "last": YEAR_MAX},
        )


class DateField(forms.DateField):
    """Every form's date: within the years of ``validate_year``."""

    default_validators = [validate_year]


class DateTimeField(forms.DateTimeField):
    """Every form's date and time: within the years of ``validate_year``."""

    default_validators = [validate_year]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Every form's list of objects by id. A value that is not an id (ASCII digits, within a
    bigint) is the field's error before any query: in ``pk__in`` a number past SQLite's
    integer is an OverflowError."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if parse_int(str(pk), minimum=1, maximum=ID_MAX) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class ModelChoiceField(forms.ModelChoiceField):
    """Every form's one object by id: a value that is not an id is the field's error before
    any query (as ModelMultipleChoiceField's)."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and parse_int(str(value), minimum=1, maximum=ID_MAX) is None
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker (input type=datetime-local)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    starts_at = DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = DateTimeField(label=_("Ends"), widget=DateTimeInput())
    location = forms.CharField(
        label=_("Place"),
        max_length=limits.TITLE,
        required=False,
        help_text=_("A room, an address or a link to the video meeting."),
    )


class MeetingEditForm(MeetingForm):
    version = VersionField()
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=limits.DOCUMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Members see the minutes as soon as they are saved; others once published."),
    )
    minutes_published = forms.BooleanField(label=_("Publish the minutes"), required=False)


class AgendaItemForm(forms.Form):
    """An item is a title, or something awaiting the body (then the title may be left out)."""

    subject = forms.ChoiceField(label=_("Concerns"), required=False)
    title = forms.CharField(
        label=_("Item"),
        max_length=limits.TITLE,
        required=False,
        help_text=_("Leave empty to use the title of what the item concerns."),
    )

    prefix = "agenda"  # the meeting page has two forms with a title

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {subject.key: subject for subject in subjects}
        self.fields["subject"].choices = [
            ("", _("Nothing in the portal")),
            *((subject.key, str(subject)) for subject in subjects),
        ]

    def clean(self):
        data = super().clean()
        subject = self.subjects.get(data.get("subject") or "")
        if not subject and not data.get("title", "").strip():
            raise forms.ValidationError(_("Give the item a title, or choose what it concerns."))
        data["subject"] = subject
        return data


class MeetingDecisionForm(forms.Form):
    title = forms.CharField(label=_("Decision"), max_length=limits.TITLE)
    text = forms.CharField(
        label=_("Text"),
        max_length=limits.TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int, required=False)
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("A decision that is not public shows to the body's members only."),
    )

    prefix = "decision"

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        self.fields["item"].choices = [
            ("", "—"),
            *((item.pk, f"{position}. {item.title}") for position, item in enumerate(items, 1)),
        ]
        self.fields["item"].empty_value = None

    def clean_item(self):
        return self.items.get(self.cleaned_data.get("item"))


class MembershipAddForm(forms.Form):
    """Someone the search found, added to a body in a role from a day. The page lists the
    people found as the person's choices; ``people`` are those the adder may add."""

    person = ModelChoiceField(
        label=_("Person"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the person to add among those the search found."),
            "invalid_choice": _("Choose a person the search found."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role in the body"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    since = DateField(
        label=_("Member since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today if left empty."),
    )

    def __init__(self, *args, people: "QuerySet[User]", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_fields(self)["person"].queryset = people


def choice_fields(form: forms.BaseForm) -> dict[str, Any]:
    """The form's fields, for setting a ModelChoiceField's queryset or label_from_instance
    in __init__ (the type checker knows only Field, which has neither)."""
    return form.fields


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the key, e.g. “The region's BI” or “Kolada import”."),
    )
    can_write_indicator_values = forms.BooleanField(
        label=_("The key may enter indicator values"),
        required=False,
        help_text=_(
            "For an integration that delivers indicator values. It can enter them only for "
            "the strategies you coordinate."
        ),
    )


class OrganisationChoiceForm(forms.Form):
    """The sign-in page's question: which organisation are you from? By its name (a list to
    search in) or by a work e-mail address, whose domain picks the organisation."""

    organisation = forms.CharField(label=_("Your organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("or your work e-mail address"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("organisation") and not cleaned.get("email") and not self.errors:
            raise ValidationError(
                _("Choose your organisation, or give your work e-mail address."), code="required"
            )
        return cleaned
