"""The main navigation: one list, filtered per user by the permission each entry needs.

An app adds its pages here; the user sees an entry only when their role may open it.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Permission

COUNSELLING = _("Counselling")
RETURNS = _("Return programme")
SKILLS = _("Skills")
REPORTS = _("Reports")


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: Permission | None = None  # None: everyone, signed in or not
    group: str | Promise | None = None  # items of a group share one drop-down menu


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home"),
    NavItem(_("Centres"), "centres:directory"),
    NavItem(_("People"), "accounts:people", Permission.VIEW_STAFF),
    NavItem(_("Visitors"), "counselling:visitor_list", Permission.COUNSEL_VISITORS, COUNSELLING),
    NavItem(_("Referrals"), "counselling:referral_list", Permission.COUNSEL_VISITORS, COUNSELLING),
    NavItem(
        _("Probable duplicates"),
        "counselling:duplicate_review",
        Permission.REVIEW_DUPLICATES,
        COUNSELLING,
    ),
    NavItem(
        _("Statistics"), "counselling:statistics", Permission.VIEW_CENTRE_STATISTICS, COUNSELLING
    ),
    # Centre staff and coordinators: the records to fix; the programme: the counts per centre.
    NavItem(
        _("Data quality"), "counselling:data_quality", Permission.COUNSEL_VISITORS, COUNSELLING
    ),
    NavItem(
        _("Data quality"),
        "counselling:data_quality",
        Permission.VIEW_NETWORK_STATISTICS,
        COUNSELLING,
    ),
    NavItem(_("Skill needs"), "returns:need_list", group=RETURNS),
    NavItem(_("Hosts"), "returns:host_list", Permission.MANAGE_PROGRAMME, RETURNS),
    NavItem(_("Applications"), "returns:application_list", Permission.FOLLOW_RETURNS, RETURNS),
    NavItem(_("Assignments"), "returns:assignment_list", Permission.FOLLOW_RETURNS, RETURNS),
    NavItem(_("Surveys"), "returns:survey_list", Permission.FOLLOW_RETURNS, RETURNS),
    NavItem(
        _("Capacity building"), "returns:capacity_overview", Permission.MANAGE_PROGRAMME, RETURNS
    ),
    NavItem(_("Skills in demand"), "skills:demand_browse", group=SKILLS),
    NavItem(_("Trainings"), "skills:training_list", group=SKILLS),
    NavItem(_("Dashboard"), "reports:dashboard", Permission.RUN_REPORTS, REPORTS),
    NavItem(_("Donor reports"), "reports:builder", Permission.RUN_REPORTS, REPORTS),
    NavItem(_("Results framework"), "reports:project_list", Permission.MANAGE_PROGRAMME, REPORTS),
]


def navigation_for(user, path: str) -> list[dict]:
    """Entries the user may open: links, and groups of links (a group of one is a plain link)."""
    entries: list[dict] = []
    groups: dict = {}
    for item in NAV_ITEMS:
        if item.permission and not (user.is_authenticated and user.can(item.permission)):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        link = {"label": item.label, "url": url, "active": active}
        if item.group is None:
            entries.append(link)
        elif item.group in groups:
            groups[item.group]["children"].append(link)
        else:
            groups[item.group] = {"label": item.group, "children": [link]}
            entries.append(groups[item.group])
    for group in groups.values():
        group["active"] = any(child["active"] for child in group["children"])
    return [
        entry["children"][0] if len(entry.get("children", [None, None])) == 1 else entry
        for entry in entries
    ]
