"""The generation interface every backend implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from lumen.generation.prompt import Prompt


@dataclass(frozen=True)
class Params:
    max_new_tokens: int = 512
    temperature: float = 0.2
    stop: tuple[str, ...] = ("</s>", "[INST]")
    timeout: float = 30.0


@dataclass(frozen=True)
class Generation:
    text: str
    backend: str  # "tgi", "openai" or "extractive"
    model: str = ""  # what the server says it served
    adapter_id: str = ""
    generated_tokens: int | None = None
    finish_reason: str = ""


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str


class GenerationError(Exception):
    """The backend failed: unreachable, timed out, bad status, or an unusable body. The
    message is safe to log (no prompt text, no patient data)."""


class Generator(Protocol):
    name: str

    def generate(self, prompt: Prompt, *, params: Params | None = None) -> Generation: ...

    def stream(self, prompt: Prompt, *, params: Params | None = None) -> Iterator[str]:
        """Yield text pieces as the backend produces them."""
        ...

    def health(self) -> Health:
        """Reachable, and serving the configured adapter (TGI silently falls back to the
        base model for an unknown adapter id: huggingface/text-generation-inference#2505)."""
        ...
