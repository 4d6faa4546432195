"""The "tgi" backend: Lumen's prompt to a Text Generation Inference server, LoRA adapter by id.

Wire format, checked against TGI's router source (huggingface/text-generation-inference,
router/src/server.rs, lib.rs, validation.rs, 2.x-3.x) and huggingface_hub 2.4's
InferenceClient, which builds and parses the requests here:

- `InferenceClient(base_url=ROOT).text_generation()` POSTs to `/`, TGI's compat route:
  {"inputs": str, "parameters": {only the fields set: adapter_id, max_new_tokens,
  temperature, stop, details, return_full_text...}, "stream": bool}. Without streaming TGI
  answers `[{"generated_text", "details"}]` (a one-element list); details are
  {"finish_reason": "length"|"eos_token"|"stop_sequence", "generated_tokens", "seed",
  "prefill", "tokens": [{"id", "text", "logprob", "special"}]}. `/generate` and
  `/generate_stream` take the same body without "stream".
- Streaming is server-sent events, one `data:{"index", "token", "generated_text": null,
  "details": null}` per token; the last one carries "generated_text" and "details"
  {"finish_reason", "generated_tokens", "seed", "input_length"}. The end-of-sequence token
  arrives with "special": true and is not part of the answer.
- The compat route defaults `return_full_text` to TRUE for a text-generation model: the
  answer would start with the whole prompt. We always send return_full_text=false.
- Validation refuses temperature <= 0 (422, "`temperature` must be strictly positive").
  Greedy decoding is "no temperature, do_sample false", so temperature 0 is sent that way.
- Errors are {"error", "error_type"}: 422 validation, 429 overloaded, 424 generation,
  500 incomplete_generation; /health answers 200 (empty) or 503 "healthcheck". Once a
  stream has started (200) an error arrives as an event instead.
- GET /info (3.x): model_id, model_sha, model_pipeline_tag, max_concurrent_requests,
  max_best_of, max_stop_sequences, max_input_tokens, max_total_tokens,
  validation_workers, max_client_batch_size, router, version, sha, docker_label
  (2.x also had model_dtype and model_device_type).

What can and cannot be verified about the adapter:
- TGI loads adapters at start-up only (LORA_ADAPTERS / --lora-adapters) and lists them
  nowhere over HTTP: not in /info, and GET /v1/models lists the base model alone.
- An unknown adapter_id is not an error. The model server maps it to adapter index 0, the
  base model (`ADAPTER_TO_INDEX.get(r.adapter_id, 0)` in server/text_generation_server/
  models/flash_causal_lm.py; issue #2505), and nothing in the answer says so.
- So `health()` probes: the same short greedy request with and without the adapter id. A
  LoRA adapter changes the logits, so the tokens or their logprobs differ; identical
  answers mean the adapter is not applied. TGI's launcher turns prefix caching off when
  adapters are loaded (launcher/src/main.rs), so the second run does not reuse the first
  one's cached prefix. This is evidence, not proof: an adapter that barely moves this
  prompt would look absent, and logprob noise from batching with other requests under
  load could make an absent adapter look present (the tolerance below is small on
  purpose). Prefill logprobs would be a cleaner probe, but TGI >= 3.0 computes them only
  with --enable-prefill-logprobs. The probe costs two 8-token generations per check.
- Generation.model is the base model id from /info: TGI's answers never name the model or
  confirm the adapter.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from huggingface_hub import InferenceClient
from huggingface_hub.errors import (
    GenerationError as HubGenerationError,
)
from huggingface_hub.errors import (
    HfHubHTTPError,
    IncompleteGenerationError,
    InferenceTimeoutError,
    OverloadedError,
    TextGenerationError,
    ValidationError,
)
from huggingface_hub.utils import hf_raise_for_status

from lumen.generation.base import Generation, GenerationError, Health, Params
from lumen.generation.prompt import Prompt, PromptPassage

try:  # huggingface_hub 2.x sends with httpx2; its exceptions are not httpx's
    import httpx2 as http
except ImportError:  # pragma: no cover - huggingface_hub 1.x sends with httpx
    import httpx as http  # type: ignore[no-redef]

logger = logging.getLogger(__name__)

# The adapter probe: a short greedy answer to a prompt in the training template, where a
# fine-tuned adapter moves the logits most.
PROBE = Prompt(
    question="What is high blood pressure?",
    passages=(
        PromptPassage(
            number=1,
            title="High blood pressure",
            section="Overview",
            text="High blood pressure (hypertension) means the pressure of blood against the "
            "artery walls stays too high. It often causes no symptoms.",
        ),
    ),
)
PROBE_TOKENS = 8
# Two runs of the same model on the same prompt differ by batching noise at most; a trained
# adapter moves logprobs by far more than this.
PROBE_LOGPROB_TOLERANCE = 1e-3

_LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_ .-]{0,39}")
_ERROR_TYPES: dict[type[TextGenerationError], str] = {
    ValidationError: "validation",
    OverloadedError: "overloaded",
    HubGenerationError: "generation",
    IncompleteGenerationError: "incomplete_generation",
}


class ServerClient(InferenceClient):
    """huggingface_hub's InferenceClient for a self-hosted server.

    Payloads and parsing stay InferenceClient's. Two things differ:
    - `_inner_post`, its one transport method, is a copy of huggingface_hub 2.4's that
      sends through this client's own HTTP connection instead of the hub's shared session:
      that session refuses EVERY request, whatever the URL, when HF_HUB_OFFLINE or
      TRANSFORMERS_OFFLINE is set (its request hook raises OfflineModeIsEnabled), and
      offline is how this suite and air-gapped deployments run. The suite runs offline,
      so a hub upgrade that stops routing through this method fails the tests.
    - `api_key="-"`: otherwise the client sends the ambient Hugging Face token (HF_TOKEN,
      the cached login, even an OIDC exchange) to this server. A server started without
      an API key ignores the header.
    Use it as a context manager: a streamed response stays open until the client closes.
    """

    def __init__(self, url: str, *, timeout: float) -> None:
        super().__init__(base_url=url, timeout=timeout, api_key="-")
        self._http = http.Client(timeout=timeout, follow_redirects=False)
        self.exit_stack.callback(self._http.close)

    def _inner_post(  # type: ignore[override]
        self, request_parameters: Any, *, stream: bool = False
    ) -> bytes | Iterable[str]:
        try:
            response_cm = self._http.stream(
                "POST",
                request_parameters.url,
                json=request_parameters.json,
                content=request_parameters.data,
                headers=request_parameters.headers,
            )
            if stream:
                response = self.exit_stack.enter_context(response_cm)
                hf_raise_for_status(response)
                return response.iter_lines()
            with response_cm as response:
                hf_raise_for_status(response)
                return response.read()
        except http.TimeoutException as exc:
            raise InferenceTimeoutError("Inference call timed out") from exc


def failure(exc: BaseException, *, server: str, timeout: float) -> GenerationError:
    """The GenerationError for a failed call: what failed (status, error_type, exception
    class), never what was asked nor the server's own text (which can quote the answer)."""
    if isinstance(exc, GenerationError):
        return exc
    if isinstance(exc, InferenceTimeoutError | http.TimeoutException):
        message = f"{server} did not answer within {timeout:g} s"
    elif isinstance(exc, TextGenerationError):
        # TGI's typed errors: raised `from` the HTTP error, or from an event of a 200 stream.
        kind = _ERROR_TYPES.get(type(exc), "unknown")
        status = _status(exc.__cause__)
        message = (
            f"{server} answered {status} ({kind})"
            if status
            else f"{server} reported an error mid-stream ({kind})"
        )
    elif isinstance(exc, HfHubHTTPError):
        status = _status(exc)
        kind = _error_type(exc.response)
        message = f"{server} answered {status}" + (f" ({kind})" if kind else "")
    elif isinstance(exc, http.ConnectError):  # refused, DNS, no route
        message = f"{server} unreachable ({type(exc).__name__})"
    elif isinstance(exc, http.HTTPError):  # reset, closed mid-answer, protocol errors
        message = f"{server} connection failed ({type(exc).__name__})"
    elif isinstance(exc, json.JSONDecodeError):
        message = f"{server} answered with a body that is not JSON"
    elif isinstance(exc, LookupError | TypeError | AttributeError | ValueError):
        message = f"{server} answered with an unexpected body ({type(exc).__name__})"
    else:
        message = f"{server} call failed ({type(exc).__name__})"
    return GenerationError(message)


def _status(exc: BaseException | None) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _error_type(response: Any) -> str:
    """TGI's "error_type", or the "type" of an OpenAI-style error (vLLM, OpenAI)."""
    try:
        body = response.json()
        error = body.get("error")
        kind = body.get("error_type") or body.get("type")
        if not kind and isinstance(error, dict):
            kind = error.get("type")
    except Exception:  # no body, not JSON, not an object: nothing to report
        return ""
    # A label like "validation" or "NotFoundError", never free text from the server.
    return kind if isinstance(kind, str) and _LABEL.fullmatch(kind) else ""


class RemoteGenerator:
    """What the TGI and OpenAI-compatible backends share: where the server is, which adapter,
    and the generation limits from settings."""

    def __init__(
        self,
        *,
        url: str,
        adapter_id: str = "",
        timeout: float = 30.0,
        max_new_tokens: int = 512,
        temperature: float = 0.2,
        health_timeout: float = 2.0,
    ) -> None:
        if not url:
            raise ValueError(f"{type(self).__name__} needs the server's root URL.")
        self.url = url.rstrip("/")
        self.adapter_id = adapter_id
        self.timeout = timeout
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.health_timeout = health_timeout


class TGIGenerator(RemoteGenerator):
    """Generation by a TGI server's native API; the LoRA adapter travels as adapter_id."""

    name = "tgi"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model_id = ""  # from /info, fetched once

    def generate(self, prompt: Prompt, *, params: Params | None = None) -> Generation:
        params = params or self._default_params()
        started = time.monotonic()
        try:
            with ServerClient(self.url, timeout=params.timeout) as client:
                output = client.text_generation(
                    prompt.text(), details=True, **self._parameters(params)
                )
            text = output.generated_text
            if not isinstance(text, str) or not text.strip():
                raise GenerationError("TGI answered without text")
        except Exception as exc:
            error = failure(exc, server="TGI", timeout=params.timeout)
            logger.warning("tgi: generation failed: %s", error)
            raise error from exc
        details = output.details
        generated_tokens = getattr(details, "generated_tokens", None)
        logger.info(
            "tgi: %s tokens in %.2f s (adapter %s)",
            generated_tokens,
            time.monotonic() - started,
            self.adapter_id or "none",
        )
        return Generation(
            text=text.strip(),
            backend=self.name,
            model=self._served_model(),
            adapter_id=self.adapter_id,
            generated_tokens=generated_tokens,
            finish_reason=str(getattr(details, "finish_reason", None) or ""),
        )

    def stream(self, prompt: Prompt, *, params: Params | None = None) -> Iterator[str]:
        params = params or self._default_params()
        finished = produced = False
        try:
            with ServerClient(self.url, timeout=params.timeout) as client:
                events = client.text_generation(
                    prompt.text(), stream=True, details=True, **self._parameters(params)
                )
                for event in events:
                    token = getattr(event, "token", None)
                    if token is None or not isinstance(token.text, str):
                        raise GenerationError("TGI streamed an event without a token")
                    # The last event carries the whole text and the details.
                    finished = event.generated_text is not None or event.details is not None
                    if token.special or not token.text:
                        continue
                    produced = True
                    yield token.text
            if not finished:
                raise GenerationError("TGI stream ended before its final event")
            if not produced:
                raise GenerationError("TGI answered without text")
        except Exception as exc:
            error = failure(exc, server="TGI", timeout=params.timeout)
            logger.warning("tgi: streaming failed: %s", error)
            raise error from exc

    def health(self) -> Health:
        """Reachable, /health 200, the model from /info, and (with an adapter configured)
        the adapter really applied, by the probe the module docstring describes."""
        timeout = self.health_timeout
        try:
            with http.Client(timeout=timeout, follow_redirects=False) as client:
                response = client.get(f"{self.url}/health")
                if response.status_code != 200:
                    kind = _error_type(response)
                    return Health(
                        False,
                        f"TGI /health answered {response.status_code}"
                        + (f" ({kind})" if kind else ""),
                    )
                response = client.get(f"{self.url}/info")
            if response.status_code != 200:
                return Health(False, f"TGI /info answered {response.status_code}")
            info = response.json()
            model_id, version = str(info["model_id"]), str(info.get("version") or "?")
        except http.TimeoutException:
            return Health(False, f"TGI did not answer within {timeout:g} s")
        except http.HTTPError as exc:
            return Health(False, failure(exc, server="TGI", timeout=timeout).args[0])
        except (ValueError, LookupError, TypeError):
            return Health(False, "TGI /info answered with an unexpected body")
        self._model_id = model_id
        serving = f"TGI {version} serving {model_id}"
        if not self.adapter_id:
            return Health(True, f"{serving} (base model: no adapter configured)")
        try:
            applied = self._adapter_applied()
        except GenerationError as exc:
            return Health(False, f"{serving}; could not check adapter {self.adapter_id!r}: {exc}")
        if applied:
            return Health(
                True, f"{serving} with adapter {self.adapter_id!r} (answers differ from the base)"
            )
        return Health(
            False,
            f"{serving}; adapter {self.adapter_id!r} is NOT applied: answers with it equal the "
            "base model's (TGI silently falls back to the base model for an adapter it has "
            "not loaded; check LORA_ADAPTERS)",
        )

    def _adapter_applied(self) -> bool:
        """The probe: greedy answers with and without the adapter, token by token."""
        runs = []
        try:
            with ServerClient(self.url, timeout=self.health_timeout) as client:
                for adapter_id in (self.adapter_id, None):
                    output = client.text_generation(
                        PROBE.text(),
                        adapter_id=adapter_id,
                        max_new_tokens=PROBE_TOKENS,
                        do_sample=False,
                        details=True,
                        return_full_text=False,
                    )
                    tokens = output.details.tokens if output.details else None
                    if not tokens:
                        raise GenerationError("TGI answered the probe without token details")
                    runs.append([(t.id, float(t.logprob)) for t in tokens])
        except Exception as exc:
            raise failure(exc, server="TGI", timeout=self.health_timeout) from exc
        adapted, base = runs
        if [i for i, _ in adapted] != [i for i, _ in base]:
            return True
        drift = max(abs(a - b) for (_, a), (_, b) in zip(adapted, base, strict=True))
        return drift > PROBE_LOGPROB_TOLERANCE

    def _default_params(self) -> Params:
        return Params(
            max_new_tokens=self.max_new_tokens, temperature=self.temperature, timeout=self.timeout
        )

    def _parameters(self, params: Params) -> dict[str, Any]:
        parameters: dict[str, Any] = {
            "max_new_tokens": params.max_new_tokens,
            "stop": list(params.stop) or None,
            # Else the compat route prepends the prompt to the answer (see module docstring).
            "return_full_text": False,
        }
        if self.adapter_id:
            parameters["adapter_id"] = self.adapter_id
        if params.temperature > 0:
            parameters |= {"temperature": params.temperature, "do_sample": True}
        # temperature <= 0 means greedy: TGI refuses 0 (422), so send no temperature at all.
        return parameters

    def _served_model(self) -> str:
        """The base model id from /info, fetched once; "" if /info cannot say."""
        if not self._model_id:
            try:
                with http.Client(timeout=self.health_timeout) as client:
                    self._model_id = str(client.get(f"{self.url}/info").json()["model_id"])
            except Exception as exc:  # informational only: never fail an answer over it
                logger.info("tgi: /info unavailable (%s)", type(exc).__name__)
        return self._model_id
