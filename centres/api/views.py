from rest_framework import viewsets

from centres.filters import CentreFilter, PartnerOrganisationFilter
from centres.models import Centre, PartnerOrganisation

from .serializers import CentreSerializer, PartnerOrganisationSerializer


class CentreViewSet(viewsets.ReadOnlyModelViewSet):
    """The network's centres; readable by every signed-in user."""

    queryset = Centre.objects.all()
    serializer_class = CentreSerializer
    filterset_class = CentreFilter
    ordering_fields = ["name", "city", "country"]


class PartnerOrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations that centres refer visitors to; readable by every signed-in user."""

    queryset = PartnerOrganisation.objects.all()
    serializer_class = PartnerOrganisationSerializer
    filterset_class = PartnerOrganisationFilter
    ordering_fields = ["name", "country"]
