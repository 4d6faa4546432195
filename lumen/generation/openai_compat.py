"""The "openai" backend: chat messages to an OpenAI-compatible /v1/chat/completions.

TGI (>= 1.4, the "Messages API") and vLLM's OpenAI server both offer this route; the
adapter is chosen by the "model" field. Facts, with their sources:

- Request (sent by huggingface_hub's InferenceClient(base_url=ROOT).chat_completion, which
  appends /v1/chat/completions): {"model", "messages", "max_tokens", "temperature",
  "stop", "stream"}. Without a model the hub sends "dummy", which TGI would take as an
  adapter id, so the model is always set: the adapter id, or "tgi" when there is none.
- TGI: "model" becomes adapter_id unless it is "tgi" (`model.filter(|m| *m != "tgi")`,
  router/src/lib.rs ChatRequest::try_into_generate); an unknown id silently falls back to
  the base model (see lumen.generation.tgi); temperature 0 means greedy; the response's
  "model" is always the base model id; finish_reason "stop" for end of sequence.
  GET /v1/models lists the base model only, never adapters.
- vLLM (`vllm serve BASE --enable-lora --lora-modules NAME=PATH`): "model" must be the
  served model name or a LoRA module name, else 404 NotFoundError ("The model `x` does not
  exist."); GET /v1/models lists the base model and each LoRA module (owned_by "vllm",
  "parent" set on adapters). Without an adapter, set the adapter id to the served model
  name: vLLM has no model called "tgi".
- Streaming: `data: {chunk}` events, choices[0].delta.content, finish_reason on the last
  one, then `[DONE]`. vLLM writes `data: [DONE]`; TGI's SSE writer (axum) writes
  `data:[DONE]`, which huggingface_hub 2.4 does not recognise (it compares with
  "data: [DONE]") and then fails to parse as JSON. A stream is complete once a choice
  reports its finish_reason, so that parse failure after it is taken as the end.

- llama.cpp (`llama_cpp.server`, lumen.generation.local_server): "model" picks a model alias
  of its config; /v1/models lists the aliases (owned_by "me", no "parent"); chat logprobs
  come as choices[0].logprobs.content like OpenAI's.

What can be verified: `health()` asks GET /v1/models whether the configured model or
adapter is listed. On TGI it can only confirm the base model, so a configured adapter reads
as not served there (use LUMEN_GENERATOR=tgi, whose check probes the adapter). A listed
adapter is not yet an applied one (vLLM issues 34186, 41754, 55193: a LoRA loaded but
without effect), so where the base model is served too (the adapter card's "parent" on
vLLM, LUMEN_GENERATOR_BASE_MODEL otherwise) the TGI probe runs here as well: the same short
greedy answer with the adapter and with the base model, which must differ in tokens or in
their logprobs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

from lumen.generation.base import Generation, GenerationError, Health, Params
from lumen.generation.prompt import Prompt
from lumen.generation.tgi import (
    PROBE,
    PROBE_LOGPROB_TOLERANCE,
    PROBE_TOKENS,
    RemoteGenerator,
    ServerClient,
    failure,
    http,
)

logger = logging.getLogger(__name__)

SERVER = "OpenAI-compatible server"
BASE_MODEL_NAME = "tgi"  # what TGI reads as "no adapter"


class OpenAIGenerator(RemoteGenerator):
    """Generation by /v1/chat/completions; the adapter is the "model"."""

    name = "openai"

    def __init__(self, *, base_model: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.base_model = base_model  # the server's name for the model without the adapter

    @property
    def model(self) -> str:
        return self.adapter_id or BASE_MODEL_NAME

    def generate(self, prompt: Prompt, *, params: Params | None = None) -> Generation:
        params = params or self._default_params()
        started = time.monotonic()
        try:
            with ServerClient(self.url, timeout=params.timeout) as client:
                output = client.chat_completion(
                    messages=prompt.messages(), **self._parameters(params)
                )
            choice = output.choices[0]
            text = choice.message.content
            if not isinstance(text, str) or not text.strip():
                raise GenerationError(f"{SERVER} answered without text")
        except Exception as exc:
            error = failure(exc, server=SERVER, timeout=params.timeout)
            logger.warning("openai: generation failed: %s", error)
            raise error from exc
        usage = output.usage
        generated_tokens = getattr(usage, "completion_tokens", None)
        logger.info(
            "openai: %s tokens in %.2f s (model %s)",
            generated_tokens,
            time.monotonic() - started,
            self.model,
        )
        return Generation(
            text=text.strip(),
            backend=self.name,
            model=str(output.model or ""),
            adapter_id=self.adapter_id,
            generated_tokens=generated_tokens,
            finish_reason=str(choice.finish_reason or ""),
        )

    def stream(self, prompt: Prompt, *, params: Params | None = None) -> Iterator[str]:
        params = params or self._default_params()
        finished = produced = False
        try:
            with ServerClient(self.url, timeout=params.timeout) as client:
                chunks = iter(
                    client.chat_completion(
                        messages=prompt.messages(), stream=True, **self._parameters(params)
                    )
                )
                while True:
                    try:
                        chunk = next(chunks)
                    except StopIteration:
                        break
                    except json.JSONDecodeError:
                        if finished:  # TGI's `data:[DONE]`, see the module docstring
                            break
                        raise
                    if chunk.choices is None:
                        raise GenerationError(f"{SERVER} streamed a chunk without choices")
                    for choice in chunk.choices:  # a usage-only chunk has none
                        content = choice.delta.content if choice.delta else None
                        if content:
                            produced = True
                            yield content
                        finished = finished or bool(choice.finish_reason)
            if not finished:
                raise GenerationError(f"{SERVER} stream ended before a finish_reason")
            if not produced:
                raise GenerationError(f"{SERVER} answered without text")
        except Exception as exc:
            error = failure(exc, server=SERVER, timeout=params.timeout)
            logger.warning("openai: streaming failed: %s", error)
            raise error from exc

    def health(self) -> Health:
        """The configured model or adapter listed by GET /v1/models."""
        try:
            with http.Client(timeout=self.health_timeout, follow_redirects=False) as client:
                response = client.get(self._models_url())
            if response.status_code != 200:
                return Health(False, f"{SERVER} /v1/models answered {response.status_code}")
            cards = [c for c in response.json()["data"] if isinstance(c, dict)]
            ids = [str(card["id"]) for card in cards]
        except http.TimeoutException:
            return Health(False, f"{SERVER} did not answer within {self.health_timeout:g} s")
        except http.HTTPError as exc:
            return Health(False, failure(exc, server=SERVER, timeout=self.health_timeout).args[0])
        except (ValueError, LookupError, TypeError):
            return Health(False, f"{SERVER} /v1/models answered with an unexpected body")
        listed = ", ".join(ids) or "nothing"
        if self.model in ids:
            card = cards[ids.index(self.model)]
            parent = card.get("parent")
            on = f" on {parent}" if parent else ""
            serving = f"{SERVER} serving {self.model!r}{on}"
            base = self.base_model or parent
            if not self.adapter_id or not base:
                return Health(True, serving)
            return self._probe(serving, base)
        if not self.adapter_id:
            if any(card.get("owned_by") == "vllm" for card in cards):
                return Health(
                    False,
                    f"vLLM serves no model named {BASE_MODEL_NAME!r}: set "
                    f"LUMEN_GENERATOR_ADAPTER_ID to one of: {listed}",
                )
            return Health(True, f"{SERVER} serving {listed} (base model: no adapter configured)")
        return Health(
            False,
            f"adapter {self.adapter_id!r} is not served: /v1/models lists {listed}. vLLM lists "
            "its LoRA modules there; TGI never lists adapters (for TGI use "
            "LUMEN_GENERATOR=tgi, whose check probes the adapter)",
        )

    def _probe(self, serving: str, base: str) -> Health:
        try:
            applied = self._adapter_applied(base)
        except GenerationError as exc:
            return Health(False, f"{serving}; could not check adapter {self.adapter_id!r}: {exc}")
        if applied:
            return Health(
                True, f"{serving} with the adapter applied (answers differ from {base!r})"
            )
        return Health(
            False,
            f"{serving}, but adapter {self.adapter_id!r} is NOT applied: its answers equal "
            f"those of the base model {base!r}",
        )

    def _adapter_applied(self, base: str) -> bool:
        """Greedy probe answers with the adapter and with the base model, token by token."""
        runs = []
        try:
            with ServerClient(self.url, timeout=max(self.health_timeout, 10.0)) as client:
                for model in (self.adapter_id, base):
                    output = client.chat_completion(
                        messages=PROBE.messages(),
                        model=model,
                        max_tokens=PROBE_TOKENS,
                        temperature=0.0,
                        logprobs=True,
                    )
                    choice = output.choices[0]
                    content = choice.logprobs.content if choice.logprobs else None
                    if content:
                        runs.append([(t.token, float(t.logprob)) for t in content])
                    else:  # no logprobs from this server: the text alone
                        runs.append([(choice.message.content or "", 0.0)])
        except Exception as exc:
            raise failure(exc, server=SERVER, timeout=self.health_timeout) from exc
        adapted, plain = runs
        if [t for t, _ in adapted] != [t for t, _ in plain]:
            return True
        drift = max(abs(a - b) for (_, a), (_, b) in zip(adapted, plain, strict=True))
        return drift > PROBE_LOGPROB_TOLERANCE

    def _models_url(self) -> str:
        return f"{self.url}/models" if self.url.endswith("/v1") else f"{self.url}/v1/models"

    def _default_params(self) -> Params:
        return Params(
            max_new_tokens=self.max_new_tokens, temperature=self.temperature, timeout=self.timeout
        )

    def _parameters(self, params: Params) -> dict[str, Any]:
        return {
            "model": self.model,  # never left out: the hub would send "dummy"
            "max_tokens": params.max_new_tokens,
            # 0 is greedy on both TGI's and vLLM's OpenAI routes; negative is refused.
            "temperature": max(params.temperature, 0.0),
            "stop": list(params.stop) or None,
        }
