import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from skills.filters import SkillDemandFilter, TrainingFilter
from skills.models import Occupation, Sector, Skill, SkillDemand, TrainingOpportunity
from skills.selectors import demand_matrix

from .serializers import (
    OccupationSerializer,
    SectorSerializer,
    SkillDemandSerializer,
    SkillSerializer,
    TrainingSerializer,
)


class SearchFilter(django_filters.FilterSet):
    """`?search=` over name and other names, ranked like the pickers."""

    search = django_filters.CharFilter(method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(alt_labels__icontains=value))


class SkillFilter(SearchFilter):
    class Meta:
        model = Skill
        fields = ["search", "skill_type", "esco_uri"]


class OccupationFilter(SearchFilter):
    isco_group = django_filters.CharFilter(field_name="isco_group__code")

    class Meta:
        model = Occupation
        fields = ["search", "isco_group", "esco_uri"]


class SectorFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search")
    parent = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Sector
        fields = ["search", "level", "parent", "code"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__istartswith=value))


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """ESCO skills and the starter set; readable by every signed-in user."""

    queryset = Skill.objects.all()
    serializer_class = SkillSerializer
    filterset_class = SkillFilter
    ordering_fields = ["name"]


class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Occupation.objects.select_related("isco_group")
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilter
    ordering_fields = ["name"]


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """NACE Rev. 2.1: sections, divisions, groups and classes."""

    queryset = Sector.objects.select_related("parent")
    serializer_class = SectorSerializer
    filterset_class = SectorFilter
    ordering_fields = ["code"]


class SkillDemandViewSet(viewsets.ReadOnlyModelViewSet):
    """The skills-needs database: public, like its page (same filters)."""

    serializer_class = SkillDemandSerializer
    filterset_class = SkillDemandFilter
    permission_classes = [AllowAny]
    ordering_fields = ["period_end", "region", "shortage"]

    def get_queryset(self):
        return SkillDemand.objects.visible_to(self.request.user).select_related(
            "section", "sector", "isco_group", "occupation", "skill"
        )

    @extend_schema(
        responses=inline_serializer(
            "SkillDemandMatrix",
            {
                "regions": serializers.ListField(child=serializers.CharField()),
                "rows": serializers.ListField(child=serializers.DictField()),
                "total": serializers.IntegerField(),
            },
        )
    )
    @action(detail=False, pagination_class=None)
    def matrix(self, request):
        """Records per NACE section × region (the browse page's table), with the same filters."""
        matrix = demand_matrix(self.filter_queryset(self.get_queryset()))
        regions = [code for code, _name in matrix.regions]
        rows = [
            {
                "section": row.section.code,
                "name": row.section.name,
                "counts": dict(zip(regions, [c.count for c in row.cells], strict=True)),
                "high_or_severe": dict(zip(regions, [c.high for c in row.cells], strict=True)),
                "total": row.total,
            }
            for row in matrix.rows
        ]
        return Response({"regions": regions, "rows": rows, "total": matrix.total})


class TrainingViewSet(viewsets.ReadOnlyModelViewSet):
    """Published trainings; open calls only unless `include_closed=true`. Public, like the page."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter
    permission_classes = [AllowAny]
    ordering_fields = ["application_deadline", "title"]

    def get_queryset(self):
        return TrainingOpportunity.objects.published().select_related("sector")
