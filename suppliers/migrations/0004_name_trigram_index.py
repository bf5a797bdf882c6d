"""PostgreSQL: a trigram index on organisations' folded names (``name_search_key``).

A broad search ranks first the firms with a query word in their name (suppliers.search.RankedByTiers:
``LIKE 'word%' OR LIKE '% word%'``); with this index those few are found without reading every
organisation. Created here, with the search it serves, rather than in portal. SQLite: nothing.
"""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS organisation_name_trgm_idx ON portal_organisation "
    "USING gin (name_search_key gin_trgm_ops)",
]
DOWN = ["DROP INDEX IF EXISTS organisation_name_trgm_idx"]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0003_facet_values"), ("portal", "0004_province_centres")]

    operations = [migrations.RunPython(_on_postgres(UP), _on_postgres(DOWN))]
