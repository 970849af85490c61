"""Demo users: one well-known login per role, plus enough staff to make pages look real."""

from django.contrib.auth.hashers import make_password

from centres.models import Centre

from .models import CentreMembership, Role, User

DEMO_PASSWORD = "msc-demo-password"
DEMO_DOMAIN = "demo.example.org"

# The logins printed by `make run`: (e-mail, name, role, country, centre code in that country)
DEMO_LOGINS = [
    ("counsellor@demo.example.org", "Jelena Petrović", Role.COUNSELLOR, "RS", "NS"),
    ("manager@demo.example.org", "Marko Nikolić", Role.CENTRE_MANAGER, "RS", "NS"),
    ("coordinator@demo.example.org", "Ana Jovanović", Role.COUNTRY_COORDINATOR, "RS", None),
    ("programme@demo.example.org", "Elira Hoxha", Role.PROGRAMME_MANAGER, "", None),
    ("host@demo.example.org", "Dragana Ilić", Role.HOST_MEMBER, "", None),
    ("expert@demo.example.org", "Arben Krasniqi", Role.EXPERT, "", None),
    ("admin@demo.example.org", "Portal Administrator", Role.ADMINISTRATOR, "", None),
]

GIVEN_NAMES = [
    "Ivana",
    "Nikola",
    "Besa",
    "Edin",
    "Marija",
    "Luan",
    "Sanja",
    "Dino",
    "Teuta",
    "Goran",
]
FAMILY_NAMES = ["Kovačević", "Berisha", "Hadžić", "Stojanović", "Dervishi", "Popovski", "Marković"]


def _upsert_user(email, full_name, role, country="", password_hash="") -> User:
    user, created = User.objects.update_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "role": role,
            "country": country,
            # The admin site is for administrators; Django's superuser flag opens it fully.
            "is_superuser": role == Role.ADMINISTRATOR,
        },
    )
    if created:
        user.password = password_hash  # hashed once: hashing is slow on purpose
        user.save(update_fields=["password"])
    return user


def seed(log) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    centres = list(Centre.objects.order_by("country", "code"))
    for email, name, role, country, centre_code in DEMO_LOGINS:
        user = _upsert_user(
            email, name, role, country if role == Role.COUNTRY_COORDINATOR else "", password_hash
        )
        if centre_code:
            centre = Centre.objects.get(country=country, code=centre_code)
            CentreMembership.objects.get_or_create(user=user, centre=centre)

    # The printed logins always take the current demo password, also in an older demo database.
    User.objects.filter(email__in=[login[0] for login in DEMO_LOGINS]).update(
        password=password_hash
    )

    # Two counsellors and a manager at every centre, a coordinator in every country.
    for n, centre in enumerate(centres):
        local = f"{centre.country}-{centre.code}".lower()
        for i, role in enumerate([Role.CENTRE_MANAGER, Role.COUNSELLOR, Role.COUNSELLOR]):
            name = f"{GIVEN_NAMES[(n + i) % len(GIVEN_NAMES)]} {FAMILY_NAMES[(n * 3 + i) % 7]}"
            user = _upsert_user(
                f"{role.value}.{i}.{local}@{DEMO_DOMAIN}", name, role, "", password_hash
            )
            CentreMembership.objects.get_or_create(user=user, centre=centre)
    for country in sorted({centre.country.code for centre in centres}):
        _upsert_user(
            f"coordinator.{country.lower()}@{DEMO_DOMAIN}",
            f"Coordinator {country}",
            Role.COUNTRY_COORDINATOR,
            country,
            password_hash,
        )
    log(f"{User.objects.count()} users; every demo login's password is '{DEMO_PASSWORD}'.")
