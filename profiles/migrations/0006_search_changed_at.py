"""When each profile's searchable text last changed, kept by Postgres itself.

profiles.search_memory keeps, per query, the members who match it in a worker's memory,
and brings that up to date on every search with the profiles whose text changed since
(an index range scan on this column). A trigger sets it, so no write path can forget
it, QuerySet.update() included; a new row takes the column default.

Like search_document, only the search reads it: the ORM never loads or writes it.
"""

from django.db import migrations

TRIGGER = """
CREATE FUNCTION profile_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.full_name IS DISTINCT FROM OLD.full_name
       OR NEW.headline IS DISTINCT FROM OLD.headline
       OR NEW.summary IS DISTINCT FROM OLD.summary
       OR NEW.industry IS DISTINCT FROM OLD.industry
       OR NEW.location IS DISTINCT FROM OLD.location THEN
        NEW.search_changed_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER profile_search_changed BEFORE UPDATE ON profiles_profile
    FOR EACH ROW EXECUTE FUNCTION profile_search_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0005_drop_unused_search_vector"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE profiles_profile"
            " ADD COLUMN search_changed_at timestamptz NOT NULL DEFAULT now()",
            "ALTER TABLE profiles_profile DROP COLUMN search_changed_at",
        ),
        migrations.RunSQL(
            "CREATE INDEX profile_search_changed ON profiles_profile (search_changed_at)",
            "DROP INDEX profile_search_changed",
        ),
        # Statistics for the new column: without them the planner may scan the table.
        migrations.RunSQL("ANALYZE profiles_profile (search_changed_at)", migrations.RunSQL.noop),
        migrations.RunSQL(
            TRIGGER,
            "DROP TRIGGER profile_search_changed ON profiles_profile;"
            " DROP FUNCTION profile_search_changed();",
        ),
    ]
