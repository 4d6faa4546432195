"""Access control for role areas."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from lumen.accounts.roles import Role, request_roles


def role_required(role: Role) -> Callable:
    """Anonymous visitors go to the login page; signed-in users without `role` get a 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role not in request_roles(request):
                raise PermissionDenied(f"This area is for {role.value} accounts.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
