"""People search (profiles.search): a stored, weighted search document and trigram indexes
for the filters.

`search_document` is a generated column: Postgres keeps it current on every write, so
no code path can forget it. The name weighs A, the headline B and the summary D, and
ts_rank reads the stored vector instead of parsing the text again for every candidate
(parsing was most of a search's time: 14 µs a profile, for thousands of candidates).
The search matches on it through the GIN index profile_search_document.

The trigram indexes serve the filters' case-insensitive "contains" (`~*`) on location,
current company, school and skill beyond the viewer's own network.

Only profiles.search reads these, so they live here rather than on the models: the
column is never loaded with a Profile, and the ORM never writes it.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, full_name), 'A')"
    " || setweight(to_tsvector('english'::regconfig, headline), 'B')"
    " || setweight(to_tsvector('english'::regconfig, summary), 'D')"
)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0003_profile_search_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE profiles_profile ADD COLUMN search_document tsvector"
            f" GENERATED ALWAYS AS ({DOCUMENT}) STORED",
            "ALTER TABLE profiles_profile DROP COLUMN search_document",
        ),
        migrations.RunSQL(
            "CREATE INDEX profile_search_document ON profiles_profile USING gin (search_document)",
            "DROP INDEX profile_search_document",
        ),
        migrations.RunSQL(
            "CREATE INDEX profile_location_trgm ON profiles_profile"
            " USING gin (location gin_trgm_ops)",
            "DROP INDEX profile_location_trgm",
        ),
        migrations.RunSQL(
            "CREATE INDEX position_current_org_trgm ON profiles_position"
            " USING gin (organization gin_trgm_ops) WHERE is_current",
            "DROP INDEX position_current_org_trgm",
        ),
        migrations.RunSQL(
            "CREATE INDEX education_school_trgm ON profiles_education"
            " USING gin (school gin_trgm_ops)",
            "DROP INDEX education_school_trgm",
        ),
        migrations.RunSQL(
            "CREATE INDEX skill_name_trgm ON profiles_skill USING gin (name gin_trgm_ops)",
            "DROP INDEX skill_name_trgm",
        ),
    ]
