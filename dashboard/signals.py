"""What the dashboard does when something happens in a lower layer."""

import logging

from django.dispatch import receiver

from accounts.security import user_deactivated
from dashboard.models import CalendarFeed

log = logging.getLogger("accounts.security")


@receiver(user_deactivated)
def revoke_calendar_feed(sender, user, **kwargs) -> None:
    """A deactivated account's feed is revoked for good: reactivating the account must not
    bring the old secret address back to whoever kept it."""
    if CalendarFeed.objects.filter(user_id=user.pk).delete()[0]:
        log.info("calendar feed revoked user=%s (deactivated)", user.get_username())
