"""Load the reference data (provinces, sectors, VSIC, product groups, vocabulary)."""

from django.db import migrations


def load(apps, schema_editor):
    from portal.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
