"""portal.models: the organisation number's check."""

import pytest
from django.core.exceptions import ValidationError

from portal.models import validate_org_number


@pytest.mark.parametrize("number", ["232100-0164", "212000-1850", "212000-1868"])
def test_real_organisation_numbers_pass(number):
    validate_org_number(number)


@pytest.mark.parametrize("number", ["2321000164", "232100-016", "23210-00164", "232100-016x"])
def test_the_number_is_written_nnnnnn_nnnn(number):
    with pytest.raises(ValidationError, match="som NNNNNN-NNNN"):
        validate_org_number(number)


def test_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError, match="kontrollsiffra stämmer inte"):
        validate_org_number("232100-0165")
