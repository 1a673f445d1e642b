"""The words of each mentor's expertise, one row per (mentor, tag, word), indexed by word:
how the pairing page finds the mentors whose tags match a cadre's words, and counts
their matching tags, without cutting 60,000 expertise texts into words at each request
(`services.mentor_suggestions`).

PostgreSQL only (the ranking in SQL is; on SQLite it runs in Python over the mentors). The
table is not a Django model: database triggers keep it, from `programs_mentorprofile`,
on every insert, change of expertise, delete and truncate of the profiles, so forms,
imports, `.update()` and the admin cannot leave it behind. A tag's words are cut as
`services._words` cuts them: lower-cased, split on non-word characters, three letters
or more.
"""

# ruff: noqa: S608  (the SQL is this module's own constants: no input reaches it)
from __future__ import annotations

from core.db_operations import DatabaseOnly
from programs.mentor_load import vacuum

TABLE = "programs_mentorword"


def words_of(profiles: str) -> str:
    """The rows of the mentors `profiles` selects (a FROM item aliased mp)."""
    return f"""INSERT INTO {TABLE} (mentor_id, tag, word)
        SELECT DISTINCT mp.id, t.n, w.word
        FROM {profiles},
            unnest(string_to_array(lower(mp.expertise), ',')) WITH ORDINALITY AS t(tag, n),
            regexp_split_to_table(t.tag, '\\W+') AS w(word)
        WHERE length(w.word) > 2"""


CREATE = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        mentor_id bigint NOT NULL, tag integer NOT NULL, word text NOT NULL,
        PRIMARY KEY (word, mentor_id, tag))""",
    f"CREATE INDEX IF NOT EXISTS mentorword_mentor_idx ON {TABLE} (mentor_id)",
    f"""CREATE OR REPLACE FUNCTION mentor_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM {TABLE} WHERE mentor_id = OLD.id;
        IF TG_OP <> 'DELETE' THEN
            {words_of("(SELECT NEW.id, NEW.expertise) AS mp(id, expertise)")};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER mentor_words_insert AFTER INSERT ON programs_mentorprofile
    FOR EACH ROW EXECUTE FUNCTION mentor_words()""",
    """CREATE TRIGGER mentor_words_update AFTER UPDATE OF expertise ON programs_mentorprofile
    FOR EACH ROW WHEN (OLD.expertise IS DISTINCT FROM NEW.expertise)
    EXECUTE FUNCTION mentor_words()""",
    """CREATE TRIGGER mentor_words_delete AFTER DELETE ON programs_mentorprofile
    FOR EACH ROW EXECUTE FUNCTION mentor_words()""",
    # Django's flush between tests empties the profiles with TRUNCATE, which row triggers
    # do not see.
    f"""CREATE OR REPLACE FUNCTION mentor_words_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN TRUNCATE {TABLE}; RETURN NULL; END $$""",
    """CREATE TRIGGER mentor_words_truncate AFTER TRUNCATE ON programs_mentorprofile
    FOR EACH STATEMENT EXECUTE FUNCTION mentor_words_truncate()""",
]
DROP = [
    *(
        f"DROP TRIGGER IF EXISTS mentor_words_{event} ON programs_mentorprofile"
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS mentor_words()",
    "DROP FUNCTION IF EXISTS mentor_words_truncate()",
    f"DROP TABLE IF EXISTS {TABLE}",
]
# The profiles already there (and the scale seed's, copied with the triggers off).
FILL = [f"TRUNCATE {TABLE}", words_of("programs_mentorprofile mp"), f"ANALYZE {TABLE}"]


class KeepExpertiseWords(DatabaseOnly):
    def describe(self) -> str:
        return f"Keep {TABLE}, the mentors' expertise words (PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in [*CREATE, *FILL]:
                schema_editor.execute(statement, params=None)
            # The ranking reads the words by an index-only scan: the pages must be marked
            # all-visible (38 → 3 ms for 15,000 rows at the national tier).
            vacuum(schema_editor, TABLE)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in DROP:
                schema_editor.execute(statement, params=None)
