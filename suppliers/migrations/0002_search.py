"""Supplier search: the diacritic-keeping column everywhere; full-text objects on PostgreSQL.

On PostgreSQL this also creates (see suppliers.search):
- the ``unaccent`` and ``pg_trgm`` extensions (both "trusted": the database owner may create them);
- the text-search configuration ``cnht``: the ``simple`` parser and dictionary (no stemming, no
  stop words: Vietnamese words are syllables) behind ``unaccent``, so raw Vietnamese text and the
  already folded ``search_document`` give the same lexemes;
- ``search_vector``, a stored generated tsvector of ``search_document`` with a GIN index;
- a trigram GIN index on ``search_document`` for typo-tolerant matching.
SQLite gets none of these: search there reads ``search_document`` with LIKE (same results).
"""

from django.db import migrations, models

from portal.text import accent_key

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'cnht') THEN
        CREATE TEXT SEARCH CONFIGURATION cnht (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION cnht
          ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
          WITH unaccent, simple;
      END IF;
    END $$
    """,
    """
    ALTER TABLE suppliers_supplierprofile ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (to_tsvector('cnht'::regconfig, search_document)) STORED
    """,
    "CREATE INDEX supplier_search_vector_idx ON suppliers_supplierprofile USING gin (search_vector)",
    """
    CREATE INDEX supplier_search_trgm_idx ON suppliers_supplierprofile
      USING gin (search_document gin_trgm_ops)
    """,
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS supplier_search_trgm_idx",
    "DROP INDEX IF EXISTS supplier_search_vector_idx",
    "ALTER TABLE suppliers_supplierprofile DROP COLUMN IF EXISTS search_vector",
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def fill_search_exact(apps, schema_editor):
    """Existing firms: names and descriptions (the rest follows at their next change)."""
    SupplierProfile = apps.get_model("suppliers", "SupplierProfile")
    for profile in SupplierProfile.objects.select_related("organisation").iterator(chunk_size=500):
        organisation = profile.organisation
        texts = [organisation.name, organisation.name_en, profile.trading_names, profile.description]
        profile.search_exact = " ".join(k for k in map(accent_key, texts) if k)
        profile.save(update_fields=["search_exact"])


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="supplierprofile",
            name="search_exact",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_exact, migrations.RunPython.noop),
        migrations.RunPython(_on_postgres(POSTGRES_UP), _on_postgres(POSTGRES_DOWN)),
    ]
