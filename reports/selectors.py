from django.utils.translation import gettext as _

from .indicators import DISAGGREGATIONS
from .models import ReportRun


def _scope(parameters: dict) -> tuple:
    """What a run's figures cover: two runs are comparable only if this is the same."""
    return (
        parameters.get("start"),
        parameters.get("end"),
        tuple(sorted(parameters.get("countries") or [])),
        tuple(sorted(parameters.get("centre_ids") or [])),
        bool(parameters.get("suppression", True)),
    )


def _published(run: ReportRun) -> dict:
    """The run's published figures by indicator; runs stored before the publication step kept
    true counts, which are never shown."""
    return run.figures.get("indicators", {}) if run.figures else {}


def _visible(place: str, user) -> bool:
    if user is None or user.scope.whole_network:
        return True
    country = place.split("|", 1)[0]
    return country in ("total", "") or country == user.scope.country


def _where(place: str) -> str:
    """A place of the stored figures, for people: "RS", "RS · Mode · virtual", "all · Sex · F"."""
    if place == "total":
        return _("Total")
    if "|" not in place:
        return place
    country, dimension, value = place.split("|", 2)
    label = DISAGGREGATIONS.get(dimension, dimension)
    return f"{country or _('all')} · {label} · {value}"


def report_run_changes(run: ReportRun, user=None) -> list[dict]:
    """Published figures that differ from the last submitted run of the same report and scope
    (project, period, countries, centres and suppression), breakdowns included, limited to the
    places the viewer may see. Both runs' figures are already protected."""
    if run.status != ReportRun.Status.DONE or run.is_frozen or not _published(run):
        return []
    candidates = (
        ReportRun.objects.filter(
            exporter=run.exporter,
            project=run.project,
            submitted_at__isnull=False,
            parameters__start=run.parameters.get("start"),
            parameters__end=run.parameters.get("end"),
        )
        .exclude(pk=run.pk)
        .order_by("-submitted_at")
    )
    scope = _scope(run.parameters)
    previous = next(
        (c for c in candidates if _scope(c.parameters) == scope and _published(c)), None
    )
    if previous is None:
        return []
    now, before_all = _published(run), _published(previous)
    changes = []
    for indicator, figures in now.items():
        before = before_all.get(indicator, {})
        for place in sorted(set(figures) | set(before)):
            if figures.get(place) != before.get(place) and _visible(place, user):
                changes.append(
                    {
                        "indicator": indicator,
                        "where": _where(place),
                        "place": place,
                        "before": before.get(place),
                        "now": figures.get(place),
                        "submitted_run": previous,
                    }
                )
    return changes


def report_run_waits_for_broker(run: ReportRun) -> bool:
    """Queued, and its task still in the outbox: the background service (Redis) is away."""
    from outbox.selectors import outbox_waits

    return run.status == ReportRun.Status.QUEUED and outbox_waits(run.task_id)
