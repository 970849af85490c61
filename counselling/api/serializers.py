from django.utils.translation import gettext as _
from django_countries import countries
from rest_framework import serializers

from centres.models import Centre
from counselling.models import (
    IDENTIFYING_FIELDS,
    PROFILE_FIELDS,
    GroupSession,
    Referral,
    Session,
    Topic,
    Visitor,
)
from msc_portal.fields import TEXT_MAX_LENGTH, sensible_date

# Named in settings.SPECTACULAR_SETTINGS: the schema tells it apart from the TVR modes.
SESSION_MODES = Session.Mode.choices


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
            *IDENTIFYING_FIELDS,
            *PROFILE_FIELDS,
            "age_band",
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


class SessionCreateSerializer(serializers.Serializer):
    """Log a session through the API; the same rules as the page (services.session_log)."""

    visitor = serializers.CharField(max_length=20, help_text="The visitor's code.")
    centre = serializers.IntegerField()
    date = serializers.DateField(required=False, validators=[sensible_date])
    mode = serializers.ChoiceField(choices=SESSION_MODES, default=Session.Mode.IN_PERSON)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    topics = serializers.ListField(child=serializers.SlugField(), allow_empty=False)
    destinations = serializers.ListField(child=serializers.CharField(max_length=2), default=list)
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Session.Service.choices), default=list
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    follow_up_date = serializers.DateField(
        required=False, allow_null=True, validators=[sensible_date]
    )

    def validate_visitor(self, code):
        user = self.context["request"].user
        visitor = Visitor.objects.open_for_session(user).filter(code=code).first()
        if visitor is None:
            raise serializers.ValidationError(_("No visitor of your centres has this code."))
        return visitor

    def validate_centre(self, pk):
        centre = Centre.objects.staffed_by(self.context["request"].user).filter(pk=pk).first()
        if centre is None:
            raise serializers.ValidationError(_("Not one of your centres."))
        return centre

    def validate_topics(self, codes):
        topics = list(Topic.objects.filter(is_active=True, code__in=codes))
        unknown = sorted(set(codes) - {t.code for t in topics})
        if unknown:
            raise serializers.ValidationError(_("Unknown topics: %s") % ", ".join(unknown))
        return topics

    def validate_destinations(self, codes):
        unknown = [code for code in codes if code.upper() not in countries]
        if unknown:
            raise serializers.ValidationError(_("Unknown country codes: %s") % ", ".join(unknown))
        return [code.upper() for code in codes]
