"""An autocomplete widget renders whatever was posted without a server error."""

import pytest
from django import forms
from django.contrib.auth import get_user_model

from core.autocomplete import AutocompleteSelect

pytestmark = pytest.mark.django_db


class Choice(forms.Form):
    person = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(),
        widget=AutocompleteSelect("partners:partner_lookup"),
        required=False,
    )


@pytest.mark.parametrize("posted", ["²", "-1", "99999999999999999999999", "1e3"])
def test_a_posted_value_that_is_no_id_renders_as_no_choice(posted):
    # "²" passes str.isdigit but not int(): a forged post once made a page a 500.
    form = Choice({"person": posted})
    assert not form.is_valid()
    html = str(form["person"])
    assert "selected" in html  # the empty choice, chosen
    assert f'value="{posted}"' not in html
