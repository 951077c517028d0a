import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0002_hidden_member_index"),
    ]

    operations = [
        # pg_trgm: typo-tolerant name matching for people search.
        TrigramExtension(),
        migrations.AddIndex(
            model_name="profile",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["full_name"], name="profile_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="profile",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector(
                    "full_name", "headline", "summary", config="english"
                ),
                name="profile_search_vector",
            ),
        ),
    ]
