"""Helpers that put the access rules (permissions.py, visible_to) in front of views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from rest_framework.permissions import BasePermission

from .permissions import Permission


def permission_required(*permissions: Permission):
    """Sends the anonymous to the login page and answers 403 to users whose role has none
    of the permissions (one is enough)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(request.user.can(permission) for permission in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_visible_or_404(model, user, **lookup):
    """One object the user may see, or 404: an object outside one's scope does not exist."""
    return get_object_or_404(model.objects.visible_to(user), **lookup)


def api_permission(permission: Permission) -> type[BasePermission]:
    """A DRF permission class for the API, answering 403 like permission_required."""

    class HasPermission(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated) and request.user.can(
                permission
            )

    HasPermission.__name__ = f"Has_{permission.value}"
    return HasPermission
