from django.db import migrations

# The starting catalogue; administrators may add, rename or retire topics later.
TOPICS = [
    ("legal-channels", "Legal labour migration channels"),
    ("entry-residence", "Entry and residence conditions"),
    ("recognition", "Recognition of qualifications"),
    ("study-abroad", "Study abroad"),
    ("irregular-risks", "Risks of irregular migration"),
    ("trafficking", "Trafficking awareness"),
    ("pre-departure", "Pre-departure orientation"),
    ("reintegration", "Reintegration support"),
    ("employment-home", "Employment at home"),
    ("social-security", "Social security and rights abroad"),
    ("other", "Other"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("counselling", "Topic")
    for position, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("counselling", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
