"""One float column per criterion instead of a JSON breakdown; no database-level foreign keys.

Why: see MatchScore's docstring (bulk writes of derived rows). Existing rows keep their numbers:
the JSON breakdown is copied into the new columns before it is dropped.
"""

import django.db.models.deletion
from django.db import migrations, models

CRITERIA = (
    "processes",
    "optional",
    "materials",
    "certifications",
    "capacity",
    "tolerance",
    "location",
    "trust",
    "text",
)


def copy_breakdown(apps, schema_editor):
    MatchScore = apps.get_model("matching", "MatchScore")
    for score in MatchScore.objects.only("pk", "breakdown").iterator(chunk_size=2000):
        values = {f"{c}_score": float(score.breakdown.get(c, 0.0)) for c in CRITERIA}
        MatchScore.objects.filter(pk=score.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_recompute_mark_first_marked_at"),
        ("suppliers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="matchscore", name="match_rank_idx"),
        # Constraints first: no foreign-key trigger may be pending when the rows are updated below.
        migrations.AlterField(
            model_name="matchscore",
            name="request",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="matching.partrequest",
            ),
        ),
        migrations.AlterField(
            model_name="matchscore",
            name="supplier",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="suppliers.supplierprofile",
            ),
        ),
        *[
            migrations.AddField(
                model_name="matchscore",
                name=f"{criterion}_score",
                field=models.FloatField(default=0.0, verbose_name=label),
                preserve_default=False,
            )
            for criterion, label in zip(
                CRITERIA,
                (
                    "must-have processes",
                    "optional processes",
                    "materials",
                    "certifications",
                    "capacity",
                    "tolerance",
                    "location",
                    "trust",
                    "text relevance",
                ),
                strict=True,
            )
        ],
        migrations.RunPython(copy_breakdown, migrations.RunPython.noop),
        migrations.RemoveField(model_name="matchscore", name="breakdown"),
    ]
