from django.db import migrations

# Planner trap, measured at 1M members / 32M rows: after a plain ANALYZE the
# sample-based estimate of distinct members was far too low, so Postgres
# expected ~680 neighbours per member instead of ~64 and chose full-table
# scans for 2nd/3rd-degree joins (38 s instead of 0.2 s). Pinning n_distinct
# as a fraction of rows (-0.02: about 50 rows per member) keeps the estimate
# realistic at every size; tests/connections/test_plans.py checks the plans.
PIN = """
ALTER TABLE connections_connection ALTER COLUMN member_id SET (n_distinct = -0.02);
ALTER TABLE connections_connection ALTER COLUMN other_id SET (n_distinct = -0.02);
"""
UNPIN = """
ALTER TABLE connections_connection ALTER COLUMN member_id RESET (n_distinct);
ALTER TABLE connections_connection ALTER COLUMN other_id RESET (n_distinct);
"""


class Migration(migrations.Migration):
    dependencies = [("connections", "0002_requests_blocks_invitations")]

    operations = [migrations.RunSQL(PIN, UNPIN)]
