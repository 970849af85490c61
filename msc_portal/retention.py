"""How long personal data is kept without activity: months per country, from the settings.

`RETENTION_MONTHS` / `RETENTION_MONTHS_DEFAULT` for visitors (by the registering centre's
country) and `CV_RETENTION_MONTHS` / `CV_RETENTION_MONTHS_DEFAULT` for experts' CVs (by country
of origin). A record whose last activity falls before the cut-off is due.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings


def visitor_months(country: str) -> int:
    return settings.RETENTION_MONTHS.get(str(country), settings.RETENTION_MONTHS_DEFAULT)


def cv_months(country: str) -> int:
    return settings.CV_RETENTION_MONTHS.get(str(country), settings.CV_RETENTION_MONTHS_DEFAULT)


def cutoff(months: int, today: date) -> date:
    """Activity before this date is too old: `today` less the period, month by month."""
    return today - relativedelta(months=months)
