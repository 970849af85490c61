from rest_framework import serializers

from skills.models import Occupation, Sector, Skill, SkillDemand, TrainingOpportunity


class SectorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Sector
        fields = ["id", "code", "level", "name", "parent"]


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = [
            "id",
            "esco_uri",
            "name",
            "alt_labels",
            "description",
            "skill_type",
            "reuse_level",
        ]


class OccupationSerializer(serializers.ModelSerializer):
    isco_group = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Occupation
        fields = ["id", "esco_uri", "code", "name", "alt_labels", "description", "isco_group"]


class SkillDemandSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    section = serializers.SlugRelatedField(slug_field="code", read_only=True)
    isco_group = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    occupation = serializers.SlugRelatedField(
        slug_field="esco_uri", read_only=True, allow_null=True
    )
    skill = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = SkillDemand
        fields = [
            "id",
            "region",
            "section",
            "sector",
            "isco_group",
            "occupation",
            "skill",
            "shortage",
            "workers_needed",
            "source_type",
            "source_name",
            "source_url",
            "period_start",
            "period_end",
        ]


class TrainingSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = TrainingOpportunity
        fields = [
            "id",
            "title",
            "provider",
            "kind",
            "country",
            "city",
            "sector",
            "description",
            "eligibility",
            "min_education",
            "stipend",
            "stipend_currency",
            "return_incentive",
            "return_obligation_years",
            "application_deadline",
            "start_date",
            "end_date",
            "url",
        ]
