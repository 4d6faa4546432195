"""Answer generation: one interface (`base.Generator`), the backend chosen by settings.

LUMEN_GENERATOR picks it: "extractive" (no language model; the default), "tgi" (a Text
Generation Inference server's native API, adapter by adapter_id) or "openai" (an
OpenAI-compatible /v1/chat/completions on TGI or vLLM, adapter by model name). Backends
load on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lumen.generation.base import Generation, GenerationError, Generator, Health, Params
from lumen.generation.prompt import Prompt

__all__ = [
    "Generation",
    "GenerationError",
    "Generator",
    "Health",
    "Params",
    "Prompt",
    "get_generator",
    "params_from_settings",
]


def get_generator(name: str | None = None) -> Generator:
    """The backend `name` (default: LUMEN_GENERATOR), configured from settings."""
    name = name or settings.LUMEN_GENERATOR
    if name == "extractive":
        from lumen.generation.extractive import ExtractiveGenerator

        return ExtractiveGenerator()
    if name not in {"tgi", "openai"}:
        raise ImproperlyConfigured(f"Unknown generator {name!r}: use extractive, tgi or openai.")
    if not settings.LUMEN_GENERATOR_URL:
        raise ImproperlyConfigured(f"The {name} generator needs LUMEN_GENERATOR_URL.")
    options = {
        "url": settings.LUMEN_GENERATOR_URL,
        "adapter_id": settings.LUMEN_GENERATOR_ADAPTER_ID,
        "timeout": settings.LUMEN_GENERATOR_TIMEOUT,
        "max_new_tokens": settings.LUMEN_GENERATOR_MAX_TOKENS,
        "temperature": settings.LUMEN_GENERATOR_TEMPERATURE,
        "health_timeout": settings.LUMEN_HEALTH_TIMEOUT,
    }
    if name == "tgi":
        from lumen.generation.tgi import TGIGenerator

        return TGIGenerator(**options)
    from lumen.generation.openai_compat import OpenAIGenerator

    return OpenAIGenerator(**options, base_model=settings.LUMEN_GENERATOR_BASE_MODEL)


def params_from_settings() -> Params:
    return Params(
        max_new_tokens=settings.LUMEN_GENERATOR_MAX_TOKENS,
        temperature=settings.LUMEN_GENERATOR_TEMPERATURE,
        timeout=settings.LUMEN_GENERATOR_TIMEOUT,
    )
