"""`manage.py seed_demo` fills a believable demo, is idempotent, and guards production."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.roles import role_of
from devtools.demo import DEMO_PASSWORD


@pytest.mark.django_db
def test_it_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="coordinator").exists()


@pytest.mark.django_db
def test_it_creates_the_demo_logins_with_force():
    call_command("seed_demo", "--force")
    expected = {
        "admin": "admin",
        "coordinator": "coordinator",
        "mentor": "mentor",
        "mentor2": "mentor",
    }
    for username, role in expected.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD), username
        assert role_of(user) == role


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_it_changes_nothing_on_a_second_run(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = row_counts()
    passwords = list(get_user_model().objects.order_by("pk").values_list("password", flat=True))
    call_command("seed_demo")
    assert row_counts() == first
    assert (
        list(get_user_model().objects.order_by("pk").values_list("password", flat=True))
        == passwords
    )
