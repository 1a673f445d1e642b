"""Journey: a mentor who reads WhatsApp, not e-mail. Budi confirms his mobile number with the
code the SMS gateway delivered, chooses WhatsApp for "due today", the morning's sweep sends
the reminder through the worker to the WhatsApp API, the provider reports it delivered,
and Budi sees it in his inbox as delivered, then opens it to act."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import MENTOR
from factories import AgreementFactory, EvaluationFactory, UserFactory
from journeys.conftest import PASSWORD, assert_fits, choose_language, open_menu
from journeys.conftest import translated as id_
from testkit import WHATSAPP_APP_SECRET, ProviderImitation, log_in, provider_env

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.fixture(scope="module", autouse=True)
def providers():
    """The WhatsApp API and SMS gateway imitations, set before the module's worker starts
    (it reads them from its environment)."""
    whatsapp, sms = ProviderImitation("whatsapp").start(), ProviderImitation("sms").start()
    env = provider_env(whatsapp, sms)
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    yield whatsapp, sms
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    whatsapp.stop()
    sms.stop()


@pytest.fixture
def budi(providers, settings):
    for name, value in provider_env(*providers).items():
        setattr(settings, name, value)  # the live server runs in this process
    for imitation in providers:
        imitation.requests.clear()
        imitation.accepted.clear()
    budi = UserFactory(username="budi", first_name="Budi", password=PASSWORD, role=MENTOR)
    evaluation = EvaluationFactory(
        agreement=AgreementFactory(status="active"),
        evaluator=budi,
        due_date=timezone.localdate(),
    )
    return budi, evaluation


def confirms_the_number(page, sms, screenshot) -> None:
    open_menu(page)
    page.locator("#user-menu").click()
    page.get_by_test_id("mobile-settings").click()
    form = page.get_by_test_id("number-form")
    form.get_by_label(id_("Mobile number")).fill("0812 3456 7890")
    form.get_by_role("button").click()
    assert sms.texts, "the gateway received the code"
    code = re.search(r"\b(\d{6})\b", sms.texts[-1]).group(1)
    code_form = page.get_by_test_id("code-form")
    code_form.get_by_label(id_("Confirmation code")).fill("000000" if code != "000000" else "1")
    code_form.get_by_role("button").click()
    expect(page.get_by_test_id("code-form")).to_contain_text("Kode salah. Sisa 4 percobaan.")
    page.get_by_test_id("code-form").get_by_label(id_("Confirmation code")).fill(code)
    page.get_by_test_id("code-form").get_by_role("button").click()
    expect(page.get_by_test_id("mobile-status")).to_contain_text(id_("Confirmed"))
    screenshot(page, "number-confirmed")


def chooses_whatsapp(page, screenshot) -> None:
    open_menu(page)
    page.locator("#user-menu").click()
    page.get_by_role("link", name=id_("Reminder settings")).click()
    page.locator("select[name=channel_due_today]").select_option("whatsapp")
    page.get_by_test_id("preference-form").get_by_role("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("select[name=channel_due_today]")).to_have_value("whatsapp")
    screenshot(page, "whatsapp-chosen")


def provider_reports_delivered(url: str, message_id: str) -> None:
    status = {"id": message_id, "status": "delivered", "timestamp": str(int(time.time()))}
    value = {"messaging_product": "whatsapp", "statuses": [status]}
    body = json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}
    )
    signature = hmac.new(WHATSAPP_APP_SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    answer = requests.post(
        f"{url}/evaluations/webhooks/whatsapp/",
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={signature}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def test_a_mentor_gets_a_reminder_on_whatsapp_and_sees_it_delivered(
    stack, providers, budi, journey_page, width, screenshot
):
    whatsapp, sms = providers
    _mentor, evaluation = budi
    page = journey_page
    page.goto(stack.url)
    log_in(page, "budi")
    confirms_the_number(page, sms, screenshot)
    chooses_whatsapp(page, screenshot)

    stack.run_task("evaluations.tasks.sweep_reminders")
    assert stack.wait_for(lambda: len(whatsapp.accepted) == 1, timeout=60), whatsapp.requests
    [message] = whatsapp.accepted.values()
    assert message["json"]["to"] == "6281234567890"
    assert message["json"]["template"]["name"] == "kader_due_today"
    assert stack.inbox.messages == [], "nothing went by e-mail"
    provider_reports_delivered(stack.url, message["id"])

    page.goto(stack.url)
    open_menu(page)
    expect(page.get_by_test_id("nav-unread")).to_contain_text("1")
    # The link reads "Pengingat saya" and the count ("belum dibaca: 1" for a screen reader).
    expect(page.get_by_test_id("nav-inbox")).to_contain_text(id_("My reminders"))
    page.get_by_test_id("nav-inbox").click()
    item = page.get_by_test_id("inbox-item")
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("reminder-delivery")).to_have_text(id_("Delivered"))
    expect(item.get_by_test_id("reminder-channel")).to_have_text("WhatsApp")
    assert_fits(page, width)
    screenshot(page, "inbox-delivered")

    # The same inbox read in English.
    choose_language(page, "en")
    page.goto(stack.url + reverse("evaluations:inbox"))
    item = page.get_by_test_id("inbox-item")
    expect(item.get_by_test_id("reminder-delivery")).to_have_text("Delivered")
    open_menu(page)
    expect(page.get_by_test_id("nav-inbox")).to_contain_text("My reminders")
    assert_fits(page, width)
    screenshot(page, "inbox-delivered-en")

    item.get_by_test_id("inbox-open").click()
    page.wait_for_url(f"**{evaluation.get_absolute_url()}")
    open_menu(page)
    expect(page.get_by_test_id("nav-unread")).to_have_count(0)
