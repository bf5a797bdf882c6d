"""Each supplier profile keeps copies of its organisation's folded name and province.

A search ranks by the query's words in the firm's name, then by name, and narrows by province
(``suppliers.search``, ``suppliers.filters``). On the organisation's columns every such search
joined the 50,000 organisations: ranking the 600 firms of a narrow search took ≈ 10 ms, and
narrowing "giá đỡ ắc quy" (4,000 firms) to one province ≈ 10 ms, more than matching the words.
On the profile's own columns they take ≈ 2 ms each: the province's index and the words' index
meet in one bitmap. ``services.profile_changed`` keeps the copies, as it keeps the search text
that already holds the name. The name index serves "sort by name".
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = """
    UPDATE suppliers_supplierprofile SET
        name_search_key = (
            SELECT name_search_key FROM portal_organisation
            WHERE portal_organisation.id = suppliers_supplierprofile.organisation_id
        ),
        search_province_id = (
            SELECT province_id FROM portal_organisation
            WHERE portal_organisation.id = suppliers_supplierprofile.organisation_id
        )
"""


def _copy(apps, schema_editor):
    schema_editor.execute(COPY)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_province_centres"), ("suppliers", "0006_word_prefixes")]

    operations = [
        migrations.AddField(
            model_name="supplierprofile",
            name="name_search_key",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="supplierprofile",
            name="search_province",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="portal.province",
            ),
        ),
        migrations.RunPython(_copy, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="supplierprofile",
            index=models.Index(fields=["name_search_key", "id"], name="profile_name_idx"),
        ),
    ]
