from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.access import api_permission
from accounts.permissions import Permission
from reports import services
from reports.indicators import registry
from reports.models import ReportRun

from .serializers import IndicatorSerializer, ReportRunRequestSerializer, ReportRunSerializer


class IndicatorViewSet(viewsets.ViewSet):
    """The indicators a report can show, with their definitions."""

    permission_classes = [api_permission(Permission.RUN_REPORTS)]
    serializer_class = IndicatorSerializer

    def list(self, request):
        items = sorted(registry.values(), key=lambda i: (i.order, i.identifier))
        return Response(IndicatorSerializer(items, many=True).data)


class ReportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Report runs: ask for one (POST), follow its status, download its file."""

    permission_classes = [api_permission(Permission.RUN_REPORTS)]
    serializer_class = ReportRunSerializer
    filterset_fields = ["status", "output_format"]

    def get_queryset(self):
        return ReportRun.objects.visible_to(self.request.user)

    @extend_schema(request=ReportRunRequestSerializer, responses=ReportRunSerializer)
    def create(self, request):
        serializer = ReportRunRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        form = serializer.validated_data["form"]
        run, created = services.report_run_request(
            user=request.user,
            exporter="indicators",
            output_format=form.cleaned_data["output_format"],
            parameters=form.parameters(),
            project=form.cleaned_data["project"],
        )
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ReportRunSerializer(run).data, status=answer)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): bytes,
            410: OpenApiResponse(description="The file is missing; the run is marked failed."),
        }
    )
    @action(detail=True)
    def download(self, request, pk=None):
        run = self.get_object()
        if not run.file:
            raise Http404
        try:
            content = run.file.open("rb")
        except FileNotFoundError:
            services.report_run_file_missing(run=run)
            detail = str(services.FILE_MISSING)
            return Response({"detail": detail}, status=status.HTTP_410_GONE)
        services.report_run_downloaded(run=run, user=request.user)
        return FileResponse(content, as_attachment=True, filename=run.filename)

    @extend_schema(
        request=None,
        responses={
            202: ReportRunSerializer,
            400: OpenApiResponse(description="The run is finished, or the same report runs."),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Queues again a run that is not done (failed, stuck or slow); 400 for a finished one."""
        run = self.get_object()
        try:
            run = services.report_run_retry(run=run)
        except ValidationError as error:
            raise serializers.ValidationError({"detail": error.messages}) from error
        return Response(ReportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
