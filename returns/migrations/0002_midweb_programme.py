from django.db import migrations

WESTERN_BALKANS = ["AL", "BA", "ME", "MK", "RS", "XK"]
EU_AND_SWITZERLAND = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE CH".split()
)


def create_midweb(apps, schema_editor):
    # MIDWEB's rules (DOMAIN.md): EU/Swiss resident, higher education, 3 years' experience,
    # assignments of about two months.
    Programme = apps.get_model("returns", "Programme")
    Programme.objects.get_or_create(
        code="midweb",
        defaults={
            "name": "MIDWEB",
            "origin_countries": ",".join(WESTERN_BALKANS),
            "residence_countries": ",".join(EU_AND_SWITZERLAND),
            "min_isced": 6,
            "min_years_experience": 3,
            "min_days": 5,
            "max_days": 45,
            "is_default": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(create_midweb, migrations.RunPython.noop)]
