"""MatchScore keyed by its (request, supplier) pair, without a surrogate id; rows are kept.

Why: the id's sequence and its index were a quarter of the cost of a full recompute's COPY
(bench/README.md), and the pair was unique already. Django cannot migrate a one-column key to a
composite one, so the state changes here and the table is changed by hand:

- PostgreSQL: the id column (and with it the old key) and the unique constraint on the pair are
  dropped, and the pair becomes the primary key, in one ALTER TABLE. No row is copied.
- SQLite (the embedded default, demo-sized): the table is made anew and its rows put back.

Not reversible: going back would need new ids for every row.
"""

from django.db import migrations, models

TABLE = "matching_matchscore"


def pair_as_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} DROP COLUMN id, DROP CONSTRAINT match_request_supplier_unique, "
            f"ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (request_id, supplier_id)"
        )
        return
    MatchScore = apps.get_model("matching", "MatchScore")  # already keyed by the pair here
    columns = ", ".join(schema_editor.quote_name(f.column) for f in MatchScore._meta.concrete_fields)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {TABLE}")
        rows = cursor.fetchall()
    schema_editor.execute(f"DROP TABLE {TABLE}")
    schema_editor.create_model(MatchScore)
    marks = ", ".join(["%s"] * len(MatchScore._meta.concrete_fields))
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks})", rows)


class Migration(migrations.Migration):
    dependencies = [("matching", "0006_interests_and_buyer_answers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="matchscore", name="match_request_supplier_unique"),
                migrations.RemoveField(model_name="matchscore", name="id"),
                migrations.AddField(
                    model_name="matchscore",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "request", "supplier", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
            ],
        ),
        migrations.RunPython(pair_as_key),
    ]
