"""Authentication backends: Django's and allauth's, reading the signed-in user's group names
in the same query as the user.

Every signed-in request reads its user (`get_user`), and nearly every page then asks for the
user's roles (the area decorator, the navigation): a second round trip for a handful of
group names (docs/benchmarks.md, issue 20). Here the user row comes with its group names
aggregated, and `roles.request_roles` reads them from there. Authentication itself (passwords,
`is_active`, allauth's login by email) is the parent classes' own, unchanged.
"""

from __future__ import annotations

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Value

from lumen.accounts.roles import GROUP_NAMES


class _UserWithGroupNames:
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(
                **{
                    GROUP_NAMES: ArrayAgg(
                        "groups__name", filter=Q(groups__isnull=False), default=Value([])
                    )
                }
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserWithGroupNames, backends.ModelBackend):
    pass


class AuthenticationBackend(_UserWithGroupNames, auth_backends.AuthenticationBackend):
    pass
