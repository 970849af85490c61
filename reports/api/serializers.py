from django.urls import reverse
from rest_framework import serializers

from msc_portal.fields import sensible_date
from reports.forms import ReportForm
from reports.models import ReportRun


class IndicatorSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    disaggregations = serializers.ListField(child=serializers.CharField())
    counts_people = serializers.BooleanField()


class ReportRunSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "exporter",
            "output_format",
            "parameters",
            "status",
            "message",
            "attempts",
            "heartbeat_at",
            "filename",
            "created_at",
            "finished_at",
            "submitted_at",
            "download_url",
            "figures",
        ]
        read_only_fields = fields

    def get_figures(self, run) -> dict:
        """The run's figures as published in its file (small counts hidden); runs made before
        the publication step kept true counts, which are not given out."""
        return run.figures.get("indicators", {}) if run.figures else {}

    def get_download_url(self, run) -> str | None:
        if not run.file:
            return None
        return reverse("api:reportrun-download", args=[run.pk])


class ReportRunRequestSerializer(serializers.Serializer):
    """The report builder's choices, validated by the same form as the page."""

    project = serializers.IntegerField(required=False, allow_null=True)
    period = serializers.ChoiceField(choices=["month", "quarter", "year", "dates"])
    year = serializers.IntegerField(required=False)
    number = serializers.IntegerField(required=False)
    start = serializers.DateField(required=False, validators=[sensible_date])
    end = serializers.DateField(required=False, validators=[sensible_date])
    countries = serializers.ListField(child=serializers.CharField(), required=False)
    indicators = serializers.ListField(child=serializers.CharField())
    disaggregations = serializers.ListField(child=serializers.CharField(), required=False)
    output_format = serializers.ChoiceField(choices=ReportRun.Format.choices)
    suppression = serializers.BooleanField(default=True)

    def validate(self, attrs):
        form = ReportForm(
            data={key: value for key, value in attrs.items() if value is not None},
            user=self.context["request"].user,
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        attrs["form"] = form
        return attrs
