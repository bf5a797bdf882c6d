"""Broad searches: names in name order by word beginning; the columns a search reads kept inline.

1. ``NamePrefix``: every beginning of every word of each supplier's folded name, keyed (prefix,
   name, profile). A broad search ranks first the firms with every word in their name, by name
   (``suppliers.search.RankedByTiers``); from the names' trigram index that meant reading and
   sorting every such firm for a page of 20 ("han": 5,000 firms, 10 ms; "co khi": 15,000, 25 ms).
   From this key it is one index range read in order: under a millisecond. Filled here from the
   profiles' name copies (migration 0007), then kept by ``services.profile_changed``.
2. ``facet_values`` becomes text holding the same JSON (``JSONTextField``): turning 1,001 ``jsonb``
   values back into text cost a broad search 1.1 ms, and nothing queries inside them.
3. On PostgreSQL, a profile's ``search_vector`` (≈ 1.9 KB: every prefix of every word) and
   ``facet_values`` stay in the row instead of going to the TOAST table: a broad search reads them
   for the first 1,001 matching rows, and fetching each from TOAST took 4 of its 6 ms
   ("han": 1,001 rows in 6.2 ms before, 3.9 ms after, at 50,000 firms). The table's rows are
   ≈ 3 KB wider; nothing else reads them by the thousand. Existing rows are rewritten once here
   so that their values move in; migration 0009 gives back the space of their old copies.
"""

from django.db import migrations, models

import suppliers.models

BATCH = 2_000  # profiles per bulk insert (≈ 50,000 prefix rows)

AS_TEXT = ["ALTER TABLE suppliers_supplierprofile ALTER COLUMN facet_values TYPE text USING facet_values::text"]
AS_JSONB = ["ALTER TABLE suppliers_supplierprofile ALTER COLUMN facet_values TYPE jsonb USING facet_values::jsonb"]
INLINE = [
    "ALTER TABLE suppliers_supplierprofile SET (toast_tuple_target = 8160)",
    "ALTER TABLE suppliers_supplierprofile ALTER COLUMN search_vector SET STORAGE MAIN,"
    " ALTER COLUMN facet_values SET STORAGE MAIN",
    # A new value of each (search_vector is generated again from search_document) is stored inline.
    "UPDATE suppliers_supplierprofile SET search_document = search_document, facet_values = facet_values || ''",
]
TOASTED = [
    "ALTER TABLE suppliers_supplierprofile RESET (toast_tuple_target)",
    "ALTER TABLE suppliers_supplierprofile ALTER COLUMN search_vector SET STORAGE EXTENDED,"
    " ALTER COLUMN facet_values SET STORAGE EXTENDED",
]


# A migration keeps its own helpers (as 0002, 0004 and 0006 do), so that what an applied migration
# does can never change with shared code: this is ``suppliers.search.name_prefixes`` as of now.
def _name_prefixes(name: str) -> set[str]:
    return {word[:length] for word in name.split() for length in range(1, min(len(word), 20) + 1)}


def _fill(apps, schema_editor):
    profiles = apps.get_model("suppliers", "SupplierProfile").objects.order_by("pk")
    prefix = apps.get_model("suppliers", "NamePrefix")
    names = list(profiles.values_list("pk", "name_search_key"))
    for start in range(0, len(names), BATCH):
        prefix.objects.bulk_create(
            prefix(prefix=word_start, name_key=name, profile_id=pk)
            for pk, name in names[start : start + BATCH]
            for word_start in _name_prefixes(name)
        )


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0007_profile_name_and_province")]

    operations = [
        migrations.CreateModel(
            name="NamePrefix",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "prefix",
                        "name_key",
                        "profile",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("prefix", models.CharField(max_length=20)),
                ("name_key", models.CharField(max_length=255)),
                (
                    "profile",
                    models.ForeignKey(
                        on_delete=models.CASCADE, related_name="+", to="suppliers.supplierprofile"
                    ),
                ),
            ],
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
        # On SQLite a JSONField is text already; on PostgreSQL the USING clause makes it reversible.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="supplierprofile",
                    name="facet_values",
                    field=suppliers.models.JSONTextField(default=dict, editable=False),
                )
            ],
            database_operations=[migrations.RunPython(_on_postgres(AS_TEXT), _on_postgres(AS_JSONB))],
        ),
        migrations.RunPython(_on_postgres(INLINE), _on_postgres(TOASTED)),
    ]
