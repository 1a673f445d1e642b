"""What the dashboard does when something happens in a lower layer."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.security import user_deactivated
from dashboard.models import CalendarFeed, Export

log = logging.getLogger("accounts.security")


@receiver(user_deactivated)
def revoke_calendar_feed(sender, user, **kwargs) -> None:
    """A deactivated account's feed is revoked for good: reactivating the account must not
    bring the old secret address back to whoever kept it."""
    if CalendarFeed.objects.filter(user_id=user.pk).delete()[0]:
        log.info("calendar feed revoked user=%s (deactivated)", user.get_username())


@receiver(post_delete, sender=Export)
def delete_export_file(sender, instance: Export, **kwargs) -> None:
    """However an export goes (expiry, an admin, its requester's account deleted), its
    file goes too, once the deletion is committed: nobody may find it in storage later."""
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))
