"""The demo register: believable, all four kinds of agreement, the same every run."""

import pytest

from devtools import demo
from partners.models import Agreement, CommunicationLog, Partner

pytestmark = pytest.mark.django_db


def test_it_seeds_partners_and_agreements_of_all_four_kinds_once():
    data = demo.seed()
    assert len(data["partners"]) == Partner.objects.count() == 12
    kinds = set(Agreement.objects.values_list("formality", "basis"))
    assert kinds == {(f, b) for f in ("formal", "informal") for b in ("industry", "community")}
    statuses = set(Agreement.objects.values_list("status", flat=True))
    assert statuses == {"draft", "active", "ended", "terminated"}
    assert Agreement.objects.expiring_soon().exists()
    assert CommunicationLog.objects.filter(challenge_raised=True).exists()
    for agreement in Agreement.objects.filter(formality="formal").exclude(status="draft"):
        assert agreement.has_signed_document()
    counts = (Partner.objects.count(), Agreement.objects.count(), CommunicationLog.objects.count())
    demo.seed()
    assert counts == (
        Partner.objects.count(),
        Agreement.objects.count(),
        CommunicationLog.objects.count(),
    )
