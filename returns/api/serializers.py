from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from msc_portal.fields import TEXT_MAX_LENGTH
from msc_portal.languages import language_choices
from returns.models import Application, Assignment, ExpertProfile, Host, Need
from skills.models import CefrLevel, Sector, Skill
from skills.selectors import isco_unit_groups


class NeedSerializer(serializers.ModelSerializer):
    # The ISCO-08 unit group by its code; set from the ESCO occupation when one is given.
    isco_group = serializers.SlugRelatedField(
        slug_field="code", queryset=isco_unit_groups(), required=False, allow_null=True
    )
    host = serializers.CharField(source="host.name", read_only=True)
    country = CountryField(source="host.country", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True)
    essential_skills = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    optional_skills = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    languages = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "description",
            "host",
            "country",
            "sector",
            "occupation",
            "isco_group",
            "essential_skills",
            "optional_skills",
            "languages",
            "min_isced",
            "mode",
            "duration_days",
            "window_start",
            "window_end",
            "location",
            "deliverables",
            "experts_wanted",
            "status",
            "published_at",
        ]

    def get_languages(self, need) -> list[dict]:
        return [{"language": x.language, "min_level": x.min_level} for x in need.languages.all()]


class NeedLanguageSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=language_choices())
    min_level = serializers.ChoiceField(choices=CefrLevel.choices)


class NeedWriteSerializer(serializers.ModelSerializer):
    # The ISCO-08 unit group by its code; set from the ESCO occupation when one is given.
    isco_group = serializers.SlugRelatedField(
        slug_field="code", queryset=isco_unit_groups(), required=False, allow_null=True
    )
    """A host member's new draft need; `host` must be one of their institutions."""

    host = serializers.PrimaryKeyRelatedField(queryset=Host.objects.none())
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    essential_skills = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Skill.objects.all(), allow_empty=False
    )
    optional_skills = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Skill.objects.all(), required=False
    )
    languages = NeedLanguageSerializer(many=True, required=False)

    class Meta:
        model = Need
        fields = [
            "id",
            "host",
            "title",
            "description",
            "sector",
            "occupation",
            "isco_group",
            "essential_skills",
            "optional_skills",
            "languages",
            "min_isced",
            "mode",
            "duration_days",
            "window_start",
            "window_end",
            "location",
            "deliverables",
            "experts_wanted",
            "status",
        ]
        read_only_fields = ["id", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["host"].queryset = Host.objects.visible_to(request.user)


class ExpertProfileSerializer(serializers.ModelSerializer):
    # The ISCO-08 unit group by its code; set from the ESCO occupation when one is given.
    isco_group = serializers.SlugRelatedField(
        slug_field="code", queryset=isco_unit_groups(), required=False, allow_null=True
    )
    citizenships = serializers.ListField(child=serializers.CharField(), required=False)
    skills = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    has_cv = serializers.SerializerMethodField()

    class Meta:
        model = ExpertProfile
        fields = [
            "id",
            "country_of_origin",
            "country_of_residence",
            "city_of_residence",
            "citizenships",
            "residence_status",
            "occupation",
            "isco_group",
            "isced_level",
            "field_of_education",
            "years_experience",
            "preferred_mode",
            "bio",
            "skills",
            "languages",
            "has_cv",
        ]
        read_only_fields = ["id"]

    def get_skills(self, expert) -> list[dict]:
        return [{"skill": s.skill.name, "proficiency": s.proficiency} for s in expert.skills.all()]

    def get_languages(self, expert) -> list[dict]:
        return [{"language": x.language, "level": x.level} for x in expert.languages.all()]

    def get_has_cv(self, expert) -> bool:
        return bool(expert.cv)


class ApplicationSerializer(serializers.ModelSerializer):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.published())

    class Meta:
        model = Application
        fields = [
            "id",
            "need",
            "expert",
            "motivation",
            "proposed_start",
            "proposed_end",
            "mode",
            "status",
            "created_at",
        ]
        read_only_fields = ["id", "expert", "status", "created_at"]


class AssignmentSerializer(serializers.ModelSerializer):
    need = serializers.IntegerField(source="application.need_id", read_only=True)
    budget_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "application",
            "need",
            "mode",
            "start",
            "end",
            "working_days",
            "deliverables",
            "currency",
            "travel",
            "per_diem_rate",
            "accommodation",
            "insurance",
            "fee",
            "budget_total",
            "status",
        ]
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    target = serializers.CharField()
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
