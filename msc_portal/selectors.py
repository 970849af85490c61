"""Reads behind the home pages: what each role needs to see first."""

from django.db.models import Count

from accounts.models import CENTRE_ROLES, Role, User
from centres.models import Centre, PartnerOrganisation
from returns.selectors import home_counts as returns_home_counts


def centre_counts_by_country() -> list[dict]:
    return list(
        Centre.objects.active()
        .values("country")
        .annotate(centres=Count("id"), cities=Count("city", distinct=True))
        .order_by("country")
    )


def public_home_context() -> dict:
    counts = centre_counts_by_country()
    return {
        "centre_count": sum(row["centres"] for row in counts),
        "country_count": len(counts),
    }


def home_context(user: User) -> dict:
    context: dict = {}
    if user.scope.has_centres:
        centres = Centre.objects.staffed_by(user).active()
        context["centres"] = centres.annotate(
            staff_count=Count("memberships", distinct=True)
        ).order_by("name")
        countries = centres.values("country")
        context["partners"] = (
            PartnerOrganisation.objects.active().filter(country__in=countries).order_by("name")[:10]
        )
    if user.role in CENTRE_ROLES:
        from counselling.selectors import counsellor_home

        context.update(counsellor_home(user))
    context["returns"] = returns_home_counts(user)
    if user.role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
        context["centres_by_country"] = centre_counts_by_country()
        rows = User.objects.filter(is_active=True).values("role").annotate(count=Count("id"))
        context["users_by_role"] = [
            {"role": Role(row["role"]).label, "count": row["count"]}
            for row in rows.order_by("role")
        ]
        context["inactive_centres"] = Centre.objects.filter(is_active=False).count()
    return context
