from django.utils.translation import gettext as _
from django_countries import countries
from rest_framework import serializers

from centres.models import Centre, PartnerOrganisation
from counselling.models import (
    AGE_BAND_CHOICES,
    IDENTIFYING_FIELDS,
    PROFILE_FIELDS,
    ConsentPurpose,
    GroupSession,
    Outcome,
    Referral,
    Session,
    Sex,
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
            "outcome",
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
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, allow_blank=True, default=""
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


def _centre(serializer, pk):
    centre = Centre.objects.staffed_by(serializer.context["request"].user).filter(pk=pk).first()
    if centre is None:
        raise serializers.ValidationError(_("Not one of your centres."))
    return centre


def _topics(codes):
    topics = list(Topic.objects.filter(is_active=True, code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in topics})
    if unknown:
        raise serializers.ValidationError(_("Unknown topics: %s") % ", ".join(unknown))
    return topics


class VisitorWriteSerializer(serializers.ModelSerializer):
    """Register (POST) or update (PATCH) a visitor: the page's rules (services.visitor_register,
    visitor_update): without service consent no name or contact is kept."""

    centre = serializers.IntegerField(
        write_only=True, help_text="The id of one of the user's centres (registration only)."
    )
    consent_service = serializers.BooleanField(default=False)
    consent_research = serializers.BooleanField(default=False)
    consent_contact = serializers.BooleanField(default=False)
    destinations = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, help_text="ISO 3166-1 codes."
    )
    citizenship = serializers.CharField(max_length=2, required=False, allow_blank=True)
    residence_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    confirm_new = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text="Register even though a visitor with the same name and year of birth, or "
        "the same phone, exists (their codes are in the 400 answer).",
    )

    class Meta:
        model = Visitor
        fields = [
            "centre",
            *IDENTIFYING_FIELDS,
            *PROFILE_FIELDS,
            "consent_service",
            "consent_research",
            "consent_contact",
            "confirm_new",
        ]

    def validate_centre(self, pk):
        return _centre(self, pk)

    def _countries(self, codes):
        unknown = [code for code in codes if code and code.upper() not in countries]
        if unknown:
            raise serializers.ValidationError(_("Unknown country codes: %s") % ", ".join(unknown))
        return [code.upper() for code in codes]

    def validate_destinations(self, codes):
        return self._countries(codes)

    def validate_citizenship(self, code):
        return self._countries([code])[0]

    def validate_residence_country(self, code):
        return self._countries([code])[0]

    def validate(self, data):
        consent = data.get("consent_service", getattr(self.instance, "consent_service", False))
        if not consent:
            named = [name for name in IDENTIFYING_FIELDS if data.get(name)]
            if named:
                raise serializers.ValidationError(
                    dict.fromkeys(named, _("Without service consent no name or contact is kept."))
                )
        return data

    def consents(self) -> dict[str, bool]:
        return {p: self.validated_data[f"consent_{p}"] for p in ConsentPurpose.values}

    def profile(self) -> dict:
        skip = {"centre", "confirm_new", *(f"consent_{p}" for p in ConsentPurpose.values)}
        return {k: v for k, v in self.validated_data.items() if k not in skip}


class VisitorUpdateSerializer(VisitorWriteSerializer):
    """Update a visitor's profile and contacts; consent changes go through the pages' consent
    record (it erases names when service consent is withdrawn)."""

    class Meta(VisitorWriteSerializer.Meta):
        fields = [*IDENTIFYING_FIELDS, *PROFILE_FIELDS]


class VisitorCreatedSerializer(VisitorSerializer):
    card_pin = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The card's PIN, in the first answer only (never kept, not in a replay).",
    )

    class Meta(VisitorSerializer.Meta):
        fields = [*VisitorSerializer.Meta.fields, "card_pin"]
        read_only_fields = fields


class GroupCountSerializer(serializers.Serializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_band = serializers.ChoiceField(choices=AGE_BAND_CHOICES)
    count = serializers.IntegerField(min_value=0)


class GroupSessionCreateSerializer(serializers.Serializer):
    """Log a group session with its attendance (visitor codes) and the counts of people not
    registered (services.group_session_log: attendance plus counts within the total)."""

    centre = serializers.IntegerField()
    type = serializers.ChoiceField(choices=GroupSession.Type.choices)
    date = serializers.DateField(required=False, validators=[sensible_date])
    place = serializers.CharField(max_length=200)
    topics = serializers.ListField(child=serializers.SlugField(), default=list)
    facilitators = serializers.ListField(
        child=serializers.IntegerField(), default=list, help_text="User ids; empty: the caller."
    )
    attendees = serializers.ListField(
        child=serializers.CharField(max_length=20), default=list, help_text="Visitor codes."
    )
    total_participants = serializers.IntegerField(min_value=0)
    counts = GroupCountSerializer(many=True, default=list)

    def validate_centre(self, pk):
        return _centre(self, pk)

    def validate_topics(self, codes):
        return _topics(codes)

    def validate_facilitators(self, ids):
        from accounts.models import User

        user = self.context["request"].user
        staff = User.objects.filter(centres__in=Centre.objects.staffed_by(user), pk__in=ids)
        found = list(staff.distinct())
        if len(found) != len(set(ids)):
            raise serializers.ValidationError(_("Not all of them work at your centres."))
        return found or [user]

    def validate_attendees(self, raw):
        from counselling import codes as visitor_codes
        from counselling.services import TooManyAttempts, visitor_find_by_code

        user = self.context["request"].user
        wanted = list(dict.fromkeys(visitor_codes.normalise(code) for code in raw))
        found = {v.code: v for v in Visitor.objects.visible_to(user).filter(code__in=wanted)}
        try:
            for code in wanted:
                if code not in found and (v := visitor_find_by_code(user=user, raw_code=code)):
                    found[code] = v
        except TooManyAttempts as error:
            raise serializers.ValidationError(str(error)) from error
        missing = [code for code in wanted if code not in found]
        if missing:
            raise serializers.ValidationError(
                _("Unknown visitor codes: %(codes)s") % {"codes": ", ".join(missing)}
            )
        return [found[code] for code in wanted]

    def validate_counts(self, rows):
        cells = {}
        for row in rows:
            key = (row["sex"], row["age_band"])
            if key in cells:
                raise serializers.ValidationError(_("Each sex and age band once."))
            cells[key] = row["count"]
        return cells


class ReferralCreateSerializer(serializers.Serializer):
    visitor = serializers.CharField(max_length=20, help_text="The visitor's code.")
    centre = serializers.IntegerField()
    partner = serializers.IntegerField()
    service = serializers.ChoiceField(choices=PartnerOrganisation.Service.choices)
    sent_on = serializers.DateField(required=False, validators=[sensible_date])
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )

    def validate_visitor(self, code):
        visitor = Visitor.objects.visible_to(self.context["request"].user).filter(code=code)
        if not visitor.exists():
            raise serializers.ValidationError(_("No visitor of your centres has this code."))
        return visitor.get()

    def validate_centre(self, pk):
        return _centre(self, pk)

    def validate_partner(self, pk):
        partner = PartnerOrganisation.objects.active().filter(pk=pk).first()
        if partner is None:
            raise serializers.ValidationError(_("No such partner organisation."))
        return partner


class ReferralTransitionSerializer(serializers.Serializer):
    """Follow a referral up: its next status (sent → accepted → service received, …)."""

    status = serializers.ChoiceField(choices=Referral.Status.choices)
    date = serializers.DateField(required=False, validators=[sensible_date])
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )


class PresenceSerializer(serializers.Serializer):
    """The visitor is present at another centre: the PIN on their card, or their given name
    and year of birth, open them to the caller for one visit (services.presence_confirm)."""

    centre = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)
    pin = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    year_of_birth = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2100
    )

    def validate_centre(self, pk):
        return _centre(self, pk)


class PresenceGrantSerializer(serializers.Serializer):
    visitor = serializers.CharField()
    centre = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
