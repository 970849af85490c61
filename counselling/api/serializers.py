from rest_framework import serializers

from counselling.models import GroupSession, Referral, Session, Visitor


class VisitorSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="code", read_only=True)
    centre_id = serializers.IntegerField(read_only=True)
    # Countries as ISO 3166-1 alpha-2 codes (plain strings: one enum per field would clutter
    # the schema with copies of the country list).
    citizenship = serializers.CharField(read_only=True)
    residence_country = serializers.CharField(read_only=True)
    destinations = serializers.ListField(child=serializers.CharField(), read_only=True)
    age_band = serializers.CharField(read_only=True)

    class Meta:
        model = Visitor
        fields = [
            "code",
            "centre",
            "centre_id",
            "given_name",
            "family_name",
            "phone",
            "email",
            "sex",
            "year_of_birth",
            "age_band",
            "citizenship",
            "residence_country",
            "municipality",
            "education",
            "employment_status",
            "occupation",
            "languages",
            "migration_status",
            "destinations",
            "intention_purpose",
            "intention_timeframe",
            "has_job_offer",
            "has_admission",
            "consent_service",
            "consent_research",
            "consent_contact",
            "created_at",
        ]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    visitor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    destinations = serializers.ListField(child=serializers.CharField(), read_only=True)
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "visitor",
            "centre",
            "counsellor",
            "date",
            "mode",
            "duration_minutes",
            "topics",
            "destinations",
            "services",
            "notes",
            "follow_up_date",
            "follow_up_done",
            "created_at",
        ]
        read_only_fields = fields

    def get_notes(self, session) -> str | None:
        """Notes only for the staff of the centre that wrote them."""
        user = self.context["request"].user
        return session.notes if session.notes_visible_to(user) else None


class GroupSessionSerializer(serializers.ModelSerializer):
    topics = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = GroupSession
        fields = [
            "id",
            "centre",
            "type",
            "date",
            "place",
            "topics",
            "facilitators",
            "attendees",
            "total_participants",
            "counts",
        ]
        read_only_fields = fields

    def get_counts(self, group) -> list[dict]:
        return [
            {"sex": c.sex, "age_band": c.age_band, "count": c.count} for c in group.counts.all()
        ]


class ReferralSerializer(serializers.ModelSerializer):
    visitor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    history = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "visitor",
            "centre",
            "partner",
            "service",
            "status",
            "sent_on",
            "status_changed_on",
            "outcome",
            "history",
        ]
        read_only_fields = fields

    def get_history(self, referral) -> list[dict]:
        return [{"status": e.status, "date": e.date} for e in referral.events.all()]
