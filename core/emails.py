"""An e-mail written from three templates, in the reader's language.

`<base>-subject.txt`, `<base>-body-text.txt` and `<base>-body-html.html`, rendered with one
context under `language`; the subject on one line. Reminders and the export-ready notice
are written this way.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def templated_email(
    base: str, context: dict, *, language: str, to: list[str], headers: dict[str, str]
) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = render_to_string(f"{base}-subject.txt", context).strip()
        text = render_to_string(f"{base}-body-text.txt", context)
        html = render_to_string(f"{base}-body-html.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=to, headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message
