"""A person gives a mobile number and confirms it with a one-time code sent to it.

The code goes by SMS when a gateway is configured, otherwise by WhatsApp (the authentication
template `<prefix>code`); with neither, the page says a number cannot be confirmed yet.
Sending happens in the request, bounded by KADER_PROVIDER_TIMEOUT: the person waits for the
answer "sent" or "could not be sent" rather than for a code that may never come.
"""

from __future__ import annotations

from typing import cast

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import CODE_ATTEMPTS, MobileNumber
from core import messaging


def code_channel() -> str:
    """ "sms", "whatsapp", or "" when no provider can carry the code."""
    if messaging.sms_enabled():
        return "sms"
    if messaging.whatsapp_enabled():
        return "whatsapp"
    return ""


class NumberForm(forms.Form):
    number = PhoneNumberField(
        label=_("Mobile number"),
        region="ID",
        help_text=_("An Indonesian mobile number: 08… or +62 8…."),
        error_messages={"invalid": _("Enter a mobile number such as 0812 3456 7890.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_number(self):
        number = self.cleaned_data["number"]
        if phonenumbers.region_code_for_number(number) != "ID":
            raise forms.ValidationError(
                _("Only Indonesian numbers can receive reminders: 08… or +62 8….")
            )
        if phonenumbers.number_type(number) not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            raise forms.ValidationError(_("This is not a mobile number."))
        return number


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=12,
        help_text=_("The 6-digit code we sent to your number."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, mobile: MobileNumber | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mobile = mobile

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        mobile, now = self.mobile, timezone.now()
        if mobile is None or not mobile.code_usable(now):
            raise forms.ValidationError(
                _("This code has expired or was tried too often: ask for a new one.")
            )
        if not mobile.code_matches(code):
            # The attempt counts even though the form fails: that is the limit.
            MobileNumber.objects.filter(pk=mobile.pk).update(code_attempts=mobile.code_attempts + 1)
            mobile.code_attempts += 1
            left = CODE_ATTEMPTS - mobile.code_attempts
            if left <= 0:
                raise forms.ValidationError(_("Wrong code, and no tries left: ask for a new one."))
            raise forms.ValidationError(
                _("Wrong code. %(left)s tries left.") % {"left": left}, code="wrong"
            )
        return code


class CodeNotSent(Exception):
    pass


def mobile_code_send(*, user, number) -> MobileNumber:
    """Save the number (unconfirmed if it changed) and send it a new code, in one
    transaction: if the provider fails, nothing is saved."""
    with transaction.atomic():
        mobile = MobileNumber.objects.select_for_update().filter(user=user).first()
        if mobile is None:
            mobile = MobileNumber(user=user, number=number)
        if mobile.number != number:
            mobile.number, mobile.confirmed_at = number, None
        code = mobile.new_code()
        mobile.save()
        _deliver_code(mobile, code)
    return mobile


def _deliver_code(mobile: MobileNumber, code: str) -> None:
    to = str(mobile.number)
    sent_at = mobile.code_sent_at or timezone.now()
    key = f"kader-code-{mobile.pk}-{sent_at.timestamp():.0f}"
    try:
        if code_channel() == "sms":
            text = gettext("Kader: your confirmation code is %(code)s. It expires in 10 minutes.")
            messaging.sms_send(to=to, text=text % {"code": code}, key=key)
        else:
            messaging.whatsapp_send_template(
                to=to,
                template=settings.KADER_WHATSAPP_TEMPLATE_PREFIX + "code",
                language=translation.get_language() or "id",
                body=[code],
                url_suffix="",
                key=key,
            )
    except messaging.ProviderError as exc:
        raise CodeNotSent(str(exc)) from exc


def mobile_confirm(*, mobile: MobileNumber) -> None:
    MobileNumber.objects.filter(pk=mobile.pk).update(
        confirmed_at=timezone.now(), code_hash="", code_attempts=0
    )


@login_required
def mobile_settings(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    mobile = MobileNumber.objects.filter(user=user).first()
    number_form = NumberForm(initial={"number": mobile.number if mobile else ""})
    code_form = CodeForm(mobile=mobile)
    channel = code_channel()
    if request.method == "POST" and "number" in request.POST and channel:
        number_form = NumberForm(request.POST)
        if number_form.is_valid():
            if mobile and not mobile.may_resend(timezone.now()):
                number_form.add_error(
                    "number", _("A code was sent less than a minute ago: wait a moment.")
                )
            else:
                try:
                    mobile_code_send(user=user, number=number_form.cleaned_data["number"])
                except CodeNotSent:
                    number_form.add_error(
                        "number", _("The code could not be sent just now. Try again later.")
                    )
                else:
                    messages.success(request, _("We sent a code to your number."))
                    return redirect("mobile_settings")
    elif request.method == "POST" and "code" in request.POST:
        code_form = CodeForm(request.POST, mobile=mobile)
        if code_form.is_valid() and mobile is not None:
            mobile_confirm(mobile=mobile)
            messages.success(request, _("Your mobile number is confirmed."))
            return redirect("mobile_settings")
    context = {
        "mobile": mobile,
        "number_form": number_form,
        "code_form": code_form,
        "channel": channel,
        "awaiting_code": bool(mobile and not mobile.is_confirmed and mobile.code_hash),
    }
    return render(request, "accounts/mobile_settings.html", context)
