"""The main navigation: one list, filtered per user by the permission each entry needs.

An app adds its pages here; the user sees an entry only when their role may open it.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: Permission | None = None  # None: everyone, signed in or not
    signed_in_only: bool = False


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home"),
    NavItem(_("Centres"), "centres:directory"),
    NavItem(_("People"), "accounts:people", Permission.VIEW_STAFF),
    NavItem(_("Visitors"), "counselling:visitor_list", Permission.COUNSEL_VISITORS),
    NavItem(_("Referrals"), "counselling:referral_list", Permission.COUNSEL_VISITORS),
    NavItem(_("Statistics"), "counselling:statistics", Permission.VIEW_CENTRE_STATISTICS),
]


def navigation_for(user, path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.permission and not (user.is_authenticated and user.can(item.permission)):
            continue
        if item.signed_in_only and not user.is_authenticated:
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
