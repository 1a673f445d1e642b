"""What programs tell the apps above them, which it cannot import."""

from django.dispatch import Signal

# A coordinator paired a mentor with a cadre (`services.mentorship_create`), inside its
# transaction; `mentorship` is the new pair. Evaluations' outbox tells the mentor.
mentorship_paired = Signal()
