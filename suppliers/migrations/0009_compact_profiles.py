"""Give back the space of the profile rows that migration 0008 rewrote (PostgreSQL only).

0008 wrote every profile row again so that its ``search_vector`` and ``facet_values`` move into the
row; each old copy leaves its space behind, and a broad search, which reads its first 1,001
matches in table order, would walk those empty pages first. ``VACUUM FULL`` cannot run inside a
transaction, hence a migration of its own that is not atomic. It locks the table while it runs
(a few seconds at 50,000 firms); on an empty or new database it costs nothing.
"""

from django.db import migrations


def _compact(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM FULL ANALYZE suppliers_supplierprofile")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("suppliers", "0008_name_prefixes")]

    operations = [migrations.RunPython(_compact, migrations.RunPython.noop)]
