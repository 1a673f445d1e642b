from django.db import migrations

from core.db_operations import PostgresOnlySQL
from programs.expertise_words import KeepExpertiseWords

# The pairing page's "find by typing" (`MentorProfileQuerySet.matching`): Django's
# icontains, `UPPER(col::text) LIKE UPPER('%…%')`, on the users' names and on the
# mentors' expertise, each answered by a trigram GIN index. The mentor list's order, the
# users' names: a walk of a name index that stops at the page (it sorted 60,000 mentors).
# Not in the models' Meta: SQLite has neither GIN nor pg_trgm, and auth_user is Django's.
USER_SEARCH_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_name_trgm ON auth_user USING gin (
    UPPER(first_name::text) gin_trgm_ops,
    UPPER(last_name::text) gin_trgm_ops,
    UPPER(username::text) gin_trgm_ops
)
"""
EXPERTISE_SEARCH_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS mentor_expertise_trgm ON programs_mentorprofile
USING gin (UPPER(expertise::text) gin_trgm_ops)
"""
USER_NAME_INDEX = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS user_name_idx ON auth_user (first_name, last_name, id)
"""


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY on PostgreSQL

    dependencies = [
        ("programs", "0013_mentor_load"),
    ]

    operations = [
        PostgresOnlySQL(USER_SEARCH_INDEX, "DROP INDEX CONCURRENTLY IF EXISTS user_name_trgm"),
        PostgresOnlySQL(
            EXPERTISE_SEARCH_INDEX, "DROP INDEX CONCURRENTLY IF EXISTS mentor_expertise_trgm"
        ),
        PostgresOnlySQL(USER_NAME_INDEX, "DROP INDEX CONCURRENTLY IF EXISTS user_name_idx"),
        # The pairing page's ranking: the mentors whose tags match a cadre's words.
        KeepExpertiseWords(),
    ]
