"""A person's mobile number, for reminders by WhatsApp or SMS once they have confirmed it."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

CODE_DIGITS = 6
CODE_VALID_FOR = dt.timedelta(minutes=10)
CODE_ATTEMPTS = 5  # wrong codes before a new one must be asked for
CODE_RESEND_AFTER = dt.timedelta(seconds=60)


class MobileNumber(models.Model):
    """One number per person. Nothing but its confirmation code is sent to it until the
    person typed that code back; the code is kept only as a hash, and expires."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="mobile",
        verbose_name=_("user"),
    )
    number = PhoneNumberField(
        _("mobile number"), help_text=_("An Indonesian mobile number: 08… or +62 8….")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("mobile number")
        verbose_name_plural = _("mobile numbers")

    def __str__(self) -> str:
        return str(self.number)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def new_code(self, now: dt.datetime | None = None) -> str:
        """A fresh code: the hash is kept, the code itself only returned (to be sent)."""
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        self.code_hash = make_password(code)
        self.code_sent_at = now or timezone.now()
        self.code_attempts = 0
        return code

    def may_resend(self, now: dt.datetime) -> bool:
        return self.code_sent_at is None or now - self.code_sent_at >= CODE_RESEND_AFTER

    def code_usable(self, now: dt.datetime) -> bool:
        return (
            bool(self.code_hash)
            and self.code_sent_at is not None
            and now - self.code_sent_at < CODE_VALID_FOR
            and self.code_attempts < CODE_ATTEMPTS
        )

    def code_matches(self, code: str) -> bool:
        return check_password(code.strip(), self.code_hash)
