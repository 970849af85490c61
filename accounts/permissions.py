"""What each role may do: the one table of the portal's capabilities.

Views ask `user.can(Permission.X)` (or use `permission_required` / `HasPermission`); which
*rows* a user may see is answered separately by each model's `visible_to(user)`, built on
`user.scope`. Together they are the portal's access rules; nothing else grants access.
"""

from enum import StrEnum

from .models import Role


class Permission(StrEnum):
    # Centres and staff
    VIEW_STAFF = "view_staff"
    GRANT_ACCESS = "grant_access"  # staff roles and centre memberships, within one's scope
    SEARCH_AUDIT = "search_audit"  # who read or changed personal data, within one's scope
    # Counselling (visitors, sessions, referrals): personal data of the user's centres
    COUNSEL_VISITORS = "counsel_visitors"
    MANAGE_CENTRE = "manage_centre"  # merge visitors, audit trails, data quality
    REVIEW_DUPLICATES = "review_duplicates"  # probable duplicates across centres: merge or not
    VIEW_CENTRE_STATISTICS = "view_centre_statistics"
    # Programme-wide work
    VIEW_NETWORK_STATISTICS = "view_network_statistics"
    MANAGE_PROGRAMME = "manage_programme"  # TVR screening and approval, reference data
    RUN_REPORTS = "run_reports"
    EXPORT_RESEARCH_DATA = "export_research_data"  # anonymised rows, research consent only
    SHOW_SMALL_COUNTS = "show_small_counts"  # switch small-cell suppression off in a report
    # Temporary and Virtual Return
    BROWSE_SKILL_NEEDS = "browse_skill_needs"
    POST_SKILL_NEEDS = "post_skill_needs"
    APPLY_FOR_RETURN = "apply_for_return"
    FOLLOW_RETURNS = "follow_returns"  # applications and assignments one takes part in


_CENTRE_STAFF = {
    Permission.COUNSEL_VISITORS,
    Permission.BROWSE_SKILL_NEEDS,
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.COUNSELLOR: frozenset(_CENTRE_STAFF),
    Role.CENTRE_MANAGER: frozenset(
        _CENTRE_STAFF
        | {
            Permission.VIEW_STAFF,
            Permission.GRANT_ACCESS,
            Permission.SEARCH_AUDIT,
            Permission.MANAGE_CENTRE,
            Permission.VIEW_CENTRE_STATISTICS,
        }
    ),
    Role.COUNTRY_COORDINATOR: frozenset(
        _CENTRE_STAFF
        | {
            Permission.VIEW_STAFF,
            Permission.GRANT_ACCESS,
            Permission.SEARCH_AUDIT,
            Permission.MANAGE_CENTRE,
            Permission.VIEW_CENTRE_STATISTICS,
            Permission.RUN_REPORTS,
            Permission.REVIEW_DUPLICATES,
        }
    ),
    Role.PROGRAMME_MANAGER: frozenset(
        {
            Permission.VIEW_STAFF,
            Permission.GRANT_ACCESS,
            Permission.SEARCH_AUDIT,
            Permission.VIEW_CENTRE_STATISTICS,
            Permission.VIEW_NETWORK_STATISTICS,
            Permission.MANAGE_PROGRAMME,
            Permission.RUN_REPORTS,
            Permission.EXPORT_RESEARCH_DATA,
            Permission.SHOW_SMALL_COUNTS,
            Permission.REVIEW_DUPLICATES,
            Permission.BROWSE_SKILL_NEEDS,
            Permission.FOLLOW_RETURNS,
        }
    ),
    Role.HOST_MEMBER: frozenset(
        {Permission.POST_SKILL_NEEDS, Permission.BROWSE_SKILL_NEEDS, Permission.FOLLOW_RETURNS}
    ),
    Role.EXPERT: frozenset(
        {Permission.APPLY_FOR_RETURN, Permission.BROWSE_SKILL_NEEDS, Permission.FOLLOW_RETURNS}
    ),
    # Administrators keep the system running; personal data only where a role above grants it.
    Role.ADMINISTRATOR: frozenset({Permission.VIEW_STAFF}),
}


def role_has_permission(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
