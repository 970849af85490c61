from .models import ReportRun


def report_run_changes(run: ReportRun) -> list[dict]:
    """Figures that differ from the last run of the same report submitted to the donor."""
    if run.status != ReportRun.Status.DONE or run.is_frozen:
        return []
    previous = (
        ReportRun.objects.filter(
            exporter=run.exporter,
            project=run.project,
            submitted_at__isnull=False,
            parameters__start=run.parameters.get("start"),
            parameters__end=run.parameters.get("end"),
        )
        .exclude(pk=run.pk)
        .order_by("-submitted_at")
        .first()
    )
    if previous is None:
        return []
    changes = []
    for indicator, figures in run.figures.items():
        before = previous.figures.get(indicator, {})
        for key in sorted(set(figures) | set(before)):
            if figures.get(key) != before.get(key):
                changes.append(
                    {
                        "indicator": indicator,
                        "where": key,
                        "before": before.get(key),
                        "now": figures.get(key),
                        "submitted_run": previous,
                    }
                )
    return changes
