"""Issue 12, point 6: CVs of experts inactive for longer than their country's period go."""

import datetime

from django.core.files.base import ContentFile
from django.utils.timezone import now

from returns import tasks
from returns.models import ExpertProfile
from returns.services import expert_cvs_delete_inactive

from .factories import ExpertProfileFactory

PDF = b"%PDF-1.4\n%%EOF\n"


def _expert_with_cv(settings, *, months_ago: int, country="RS") -> tuple[ExpertProfile, object]:
    then = now() - datetime.timedelta(days=31 * months_ago)
    profile = ExpertProfileFactory(country_of_origin=country, created_at=then)
    profile.user.last_login = then
    profile.user.save(update_fields=["last_login"])
    profile.cv.save("cv.pdf", ContentFile(PDF))
    return profile, settings.MEDIA_ROOT / "private" / profile.cv.name


def test_it_deletes_the_cv_of_an_expert_inactive_for_longer_than_the_period(db, settings):
    settings.CV_RETENTION_MONTHS_DEFAULT = 36
    settings.CV_RETENTION_MONTHS = {"RS": 24}
    old, old_file = _expert_with_cv(settings, months_ago=25)
    recent, recent_file = _expert_with_cv(settings, months_ago=6)
    # 25 months is within the default period of a country with no period of its own.
    other, other_file = _expert_with_cv(settings, months_ago=25, country="AL")

    assert tasks.delete_inactive_cvs.delay().get() == 1

    old.refresh_from_db()
    assert not old.cv
    assert not old_file.exists()
    assert old.bio == "ICU nurse in Berlin."  # the profile stays
    recent.refresh_from_db()
    other.refresh_from_db()
    assert recent.cv
    assert recent_file.exists()
    assert other.cv
    assert other_file.exists()


def test_it_keeps_the_cv_of_an_expert_who_signed_in_recently_and_runs_twice_safely(db, settings):
    settings.CV_RETENTION_MONTHS = {"RS": 24}
    signed_in, cv_file = _expert_with_cv(settings, months_ago=30)
    signed_in.user.last_login = now()
    signed_in.user.save(update_fields=["last_login"])
    _expert_with_cv(settings, months_ago=30)

    assert expert_cvs_delete_inactive() == 1
    assert expert_cvs_delete_inactive() == 0
    signed_in.refresh_from_db()
    assert signed_in.cv
    assert cv_file.exists()
