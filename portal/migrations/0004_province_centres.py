"""Fill the province centres added in 0003 (re-running the idempotent reference loader)."""

from django.db import migrations


def load(apps, schema_editor):
    from portal.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_province_centre")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
