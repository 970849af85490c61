"""The API's shared parts.

Errors are always JSON: DRF answers `{"detail": "…"}` for a request-level error (401, 403, 404,
405) and `{"field": ["…"], …}` (with `non_field_errors` across fields) for a 400; the portal's
404 and 500 handlers answer `{"detail": "…"}` for any other path under /api/.
"""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
