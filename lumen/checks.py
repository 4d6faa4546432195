"""`manage.py check --deploy` verifies that the configured model server serves the adapter."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility, deploy=True)
def generator_serves_adapter(app_configs, **kwargs):
    if settings.LUMEN_GENERATOR == "extractive":
        return []
    from lumen.health import check_generator

    check = check_generator()
    if check.ok:
        return []
    return [
        Error(
            f"The generator is not ready: {check.detail}",
            hint="Check LUMEN_GENERATOR_URL and that LORA_ADAPTERS on the server includes "
            "LUMEN_GENERATOR_ADAPTER_ID. Lumen would fall back to extractive answers.",
            id="lumen.E001",
        )
    ]
