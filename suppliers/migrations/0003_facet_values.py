"""Each firm's search facet values in one column (see SupplierProfile.facet_values), filled here
for existing firms the way ``services.profile_facet_values`` fills it for every later change."""

from django.db import migrations, models


def fill_facet_values(apps, schema_editor):
    SupplierProfile = apps.get_model("suppliers", "SupplierProfile")
    ClusterMember = apps.get_model("suppliers", "ClusterMember")
    profiles = SupplierProfile.objects.select_related("organisation").prefetch_related(
        "sectors", "materials", "processes", "certificates"
    )
    for profile in profiles.iterator(chunk_size=500):
        organisation = profile.organisation
        clusters = ClusterMember.objects.filter(organisation=organisation, status="active")
        profile.facet_values = {
            "province": organisation.province_id,
            "sector": sorted(s.pk for s in profile.sectors.all()),
            "process": sorted({c.process_id for c in profile.processes.all()}),
            "material": sorted(m.pk for m in profile.materials.all()),
            "certification": [
                [
                    c.standard_id,
                    c.issued_on.isoformat() if c.issued_on else None,
                    c.expires_on.isoformat() if c.expires_on else None,
                ]
                for c in sorted(profile.certificates.all(), key=lambda c: c.pk)
            ],
            "cluster": sorted(clusters.values_list("cluster_id", flat=True)),
            "size": profile.employees_band,
            "verified": profile.verification_status == "verified",
        }
        profile.save(update_fields=["facet_values"])


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_search")]

    operations = [
        migrations.AddField(
            model_name="supplierprofile",
            name="facet_values",
            field=models.JSONField(default=dict, editable=False),
        ),
        migrations.RunPython(fill_facet_values, migrations.RunPython.noop),
    ]
