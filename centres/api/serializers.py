from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from centres.models import Centre, PartnerOrganisation


class CentreSerializer(serializers.ModelSerializer):
    country = CountryField(country_dict=True)

    class Meta:
        model = Centre
        fields = [
            "id",
            "name",
            "code",
            "country",
            "city",
            "host_office",
            "address",
            "phone",
            "email",
            "opening_hours",
            "languages",
            "latitude",
            "longitude",
            "is_active",
        ]


class PartnerOrganisationSerializer(serializers.ModelSerializer):
    country = CountryField(country_dict=True)

    class Meta:
        model = PartnerOrganisation
        fields = [
            "id",
            "name",
            "country",
            "city",
            "services",
            "contact_person",
            "phone",
            "email",
            "website",
            "is_active",
        ]
