from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .filters import CentreFilter
from .models import Centre


def directory(request):
    """The public directory of centres: where to go, when it is open, who to call."""
    centre_filter = CentreFilter(request.GET, queryset=Centre.objects.active())
    page = Paginator(centre_filter.qs, 24).get_page(request.GET.get("page"))
    return render(request, "centres/directory.html", {"filter": centre_filter, "page": page})


def detail(request, pk: int):
    centre = get_object_or_404(Centre.objects.active(), pk=pk)
    return render(request, "centres/detail.html", {"centre": centre})
