"""Out-of-range integers posted to a multiple choice are refused as invalid, not a server error."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from portal.models import Term

pytestmark = pytest.mark.django_db

HUGE = 10**20  # more than any 64-bit column holds


def test_in_lookups_ignore_values_the_column_cannot_hold():
    term = Term.objects.create(kind="process", code="fuzz-lookup", name_vi="Dập thử", name_en="Test stamping")
    assert list(Term.objects.filter(pk__in=[term.pk, HUGE, -HUGE])) == [term]
    assert not Term.objects.filter(pk__in=[HUGE]).exists()


def test_a_multiple_choice_with_a_huge_id_is_a_validation_error():
    field = forms.ModelMultipleChoiceField(queryset=Term.objects.all())
    with pytest.raises(ValidationError) as error:
        field.clean([str(HUGE)])
    assert error.value.code == "invalid_choice"
