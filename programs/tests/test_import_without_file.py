"""Pressing Upload without choosing a file says so at the file field."""

import pytest
from django.urls import reverse

from programs.models import PendingImport
from programs.tests.conftest import english

pytestmark = pytest.mark.django_db


def test_it_shows_an_error_at_the_file_field(client, coordinator):
    # The coordinator opens the import page and presses Upload with no file chosen.
    english(client).force_login(coordinator)
    page = client.get(reverse("programs:cadre_import"))
    form = page.context["upload"]
    data = {name: form[name].value() or "" for name in form.fields}  # the file: empty
    response = client.post(reverse("programs:cadre_import"), data)
    assert response.status_code == 200
    assert response.context["upload"].errors["file"] == ["This field is required."]
    html = response.content.decode()
    assert 'id="error_1_id_file"' in html  # crispy's message under the file input
    assert "is-invalid" in html
    assert not PendingImport.objects.exists()
