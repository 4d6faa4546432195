"""A fake Text Generation Inference server on 127.0.0.1: real HTTP, TGI's real wire format.

Tests of the remote generators talk to it over a real socket (huggingface_hub 2.x sends with
httpx, so `requests`-level mocks would not see anything). It records every request and
answers the way TGI's router does. Where each behaviour comes from (TGI source,
huggingface/text-generation-inference, router/src/server.rs, lib.rs and validation.rs of the
2.x-3.x line, unless noted):

- `POST /` (the route InferenceClient.text_generation posts to) takes {"inputs",
  "parameters", "stream"}; without "stream" it answers a ONE-ELEMENT LIST
  `[{"generated_text", "details"}]`, and it defaults `return_full_text` to true for a
  text-generation model, so the prompt is prepended unless the client says false.
- `POST /generate` answers `{"generated_text", "details"?}` (return_full_text defaults to
  false there); "details" is {"finish_reason": "length"|"eos_token"|"stop_sequence",
  "generated_tokens", "seed", "prefill": [], "tokens": [{"id","text","logprob","special"}]}
  (prefill logprobs are off by default since 3.0, so "prefill" is empty).
- `POST /generate_stream` (and `/` with "stream": true) is `text/event-stream`, one
  `data:{...}` event per token: {"index", "token", "generated_text": null, "details": null};
  the last event carries "generated_text" and "details" {"finish_reason", "generated_tokens",
  "seed", "input_length"}. axum writes `data:` with no space. An end-of-sequence token
  (`</s>`, special: true) ends an answer that was not cut by max_new_tokens.
- Errors are {"error", "error_type"}: 422 validation, 429 overloaded, 424 generation,
  500 incomplete_generation; /health answers 503 {"error": "unhealthy", "error_type":
  "healthcheck"}. While streaming TGI has already answered 200, so it sends the error as
  an event instead.
- Validation: temperature <= 0 is 422 ("`temperature` must be strictly positive"), more
  than `max_stop_sequences` (4) stop strings is 422, decoder_input_details is refused
  while streaming.
- `GET /info` has the 3.x fields (model_dtype/model_device_type were dropped) and no list
  of LoRA adapters; `GET /v1/models` lists the base model only.
- An unknown adapter_id is not an error: the model server maps it to adapter index 0, the
  base model (`ADAPTER_TO_INDEX.get(r.adapter_id, 0)`, server/text_generation_server/
  models/flash_causal_lm.py; issue #2505). The fake answers such a request with the base
  model's reply and logprobs, silently, like the real server.
- `POST /v1/chat/completions`: the "model" field is the adapter id unless it is "tgi"
  (`model.filter(|m| *m != "tgi")`); temperature 0 means greedy there; the response's
  "model" is always the base model id; the stream ends with `data:[DONE]`.

flavor="vllm" answers like vLLM's OpenAI server instead (`vllm serve --lora-modules`):
`/v1/models` lists the base model and every LoRA module (owned_by "vllm", "parent" set on
adapters), an unknown "model" is a 404 NotFoundError, the stream ends with `data: [DONE]`,
and the TGI-native routes do not exist.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest

Mode = Literal[
    "ok", "error_500", "overloaded_429", "validation_422", "slow", "garbage", "malformed"
]
Flavor = Literal["tgi", "vllm"]

BASE_MODEL = "BioMistral/BioMistral-7B"
ADAPTER = "lumen-medical"
REPLY = "High blood pressure often has no symptoms [1]. Measure it regularly [2]."
BASE_REPLY = "Hypertension is a condition. It is a condition of the blood."
MAX_STOP_SEQUENCES = 4
EOS = {"id": 2, "text": "</s>", "logprob": -0.01, "special": True}

# Mode -> (status, TGI's error text, error_type), as InferError formats them.
_ERRORS: dict[str, tuple[int, str, str]] = {
    "error_500": (500, "Incomplete generation", "incomplete_generation"),
    "overloaded_429": (429, "Model is overloaded", "overloaded"),
    "validation_422": (
        422,
        "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. "
        "Given: 4000 `inputs` tokens and 512 `max_new_tokens`",
        "validation",
    ),
}
_GARBAGE = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
_WORD = re.compile(r"\s*\S+")


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    body: Any  # the parsed JSON body, or None
    headers: dict[str, str]  # lower-cased names


class _Invalid(Exception):
    """A request TGI's validation would refuse (422, error_type "validation")."""


class FakeTGI:
    """A TGI (or vLLM) server in a background thread; use as a context manager.

    Every attribute may be changed between requests: handlers read them per request.
    """

    def __init__(
        self,
        *,
        served_adapters: Iterable[str] = (ADAPTER,),
        reply: str = REPLY,
        base_reply: str = BASE_REPLY,
        mode: Mode = "ok",
        flavor: Flavor = "tgi",
        model_id: str = BASE_MODEL,
        healthy: bool = True,
        slow_seconds: float = 5.0,
        version: str = "3.2.1",
    ) -> None:
        self.served_adapters = set(served_adapters)
        # Loaded and listed, yet without effect on the answers (vLLM issues 34186, 41754,
        # 55193): such an adapter answers with the base model's reply and logprobs.
        self.inert_adapters: set[str] = set()
        self.reply = reply
        self.base_reply = base_reply
        self.mode: Mode = mode
        self.flavor: Flavor = flavor
        self.model_id = model_id
        self.healthy = healthy
        self.slow_seconds = slow_seconds
        self.version = version
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeTGI:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes "slow" handlers, which then answer nothing
        self._server.shutdown()
        self._server.server_close()  # joins the handler threads: no socket outlives the test
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeTGI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeTGI is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- what the tests inspect ----------------------------------------------------------
    def bodies(self, path: str | None = None, method: str = "POST") -> list[Any]:
        with self._lock:
            return [
                r.body
                for r in self.requests
                if r.method == method and (path is None or r.path == path)
            ]

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    # --- request handling ----------------------------------------------------------------
    def handle(self, h: _Handler, method: str) -> None:
        path = urlsplit(h.path).path
        raw = b""
        if method == "POST":
            raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        try:
            body, unreadable = (json.loads(raw) if raw else None), False
        except ValueError:
            body, unreadable = None, True
        with self._lock:
            self.requests.append(
                Recorded(method, path, body, {k.lower(): v for k, v in h.headers.items()})
            )
        # "slow" holds every route longer than a client's timeout; a closing fake wakes it
        # and it answers nothing.
        if self.mode == "slow" and self._stopping.wait(self.slow_seconds):
            return
        if unreadable:
            # axum's Json extractor refuses a body it cannot parse, in plain text.
            return _send(h, 422, b"Failed to parse the request body as JSON", "text/plain")
        route = (method, path)
        if self.flavor == "vllm":
            return self._vllm(h, route, body)
        if route in {("GET", "/health"), ("GET", "/ping")}:
            if self.healthy:
                return _send(h, 200, b"", None)
            return _json(h, 503, {"error": "unhealthy", "error_type": "healthcheck"})
        if route == ("GET", "/info"):
            return _json(h, 200, self._info())
        if route == ("GET", "/v1/models"):
            card = {"id": self.model_id, "object": "model", "created": 0}
            return _json(h, 200, {"object": "list", "data": [{**card, "owned_by": self.model_id}]})
        if route == ("POST", "/"):
            stream = isinstance(body, dict) and bool(body.get("stream"))
            # The compat route prepends the prompt unless told otherwise (text-generation model).
            return self._generate(h, body, stream=stream, full_text_default=True, compat=True)
        if route == ("POST", "/generate"):
            return self._generate(h, body, stream=False, full_text_default=False, compat=False)
        if route == ("POST", "/generate_stream"):
            return self._generate(h, body, stream=True, full_text_default=False, compat=False)
        if route == ("POST", "/v1/chat/completions"):
            return self._chat(h, body)
        return _send(h, 404, b"", None)

    def _info(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model_sha": "0d6ddbc3d59a5e5e28b0d0ab7d5a3a1c5c8f6f52",
            "model_pipeline_tag": "text-generation",
            "max_concurrent_requests": 128,
            "max_best_of": 2,
            "max_stop_sequences": MAX_STOP_SEQUENCES,
            "max_input_tokens": 4095,
            "max_total_tokens": 4096,
            "validation_workers": 2,
            "max_client_batch_size": 4,
            "router": "text-generation-router",
            "version": self.version,
            "sha": "4d28897b4e345f4dfdd93d3434e50ac8afcdf9e1",
            "docker_label": "sha-4d28897",
        }

    def _answer(
        self, adapter: str | None, max_new_tokens: int, stop: list[str]
    ) -> tuple[list[dict[str, Any]], str, str]:
        """(tokens, generated text, finish reason) from the adapter's or the base model."""
        applied = (
            adapter is not None
            and adapter in self.served_adapters
            and adapter not in self.inert_adapters
        )
        text = self.reply if applied else self.base_reply
        tokens: list[dict[str, Any]] = []
        finish = "eos_token"
        for i, word in enumerate(_WORD.findall(text)):
            if len(tokens) == max_new_tokens:
                finish = "length"
                break
            # Distinct, deterministic logprobs for adapter and base: what the probe compares.
            logprob = round((-0.10 - 0.03 * i) if applied else (-0.25 - 0.05 * i), 6)
            token_id = zlib.crc32(word.encode()) % 32000
            tokens.append({"id": token_id, "text": word, "logprob": logprob, "special": False})
            if any(s and s in "".join(t["text"] for t in tokens) for s in stop):
                finish = "stop_sequence"
                break
        generated = "".join(t["text"] for t in tokens)
        if finish == "eos_token":
            tokens.append(dict(EOS))
        return tokens, generated, finish

    def _validate(self, body: Any, *, stream: bool) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("inputs"), str):
            raise _Invalid("Failed to deserialize the JSON body: missing field `inputs`")
        params = body.get("parameters") or {}
        if not body["inputs"]:
            raise _Invalid("Input validation error: `inputs` cannot be empty")
        temperature = params.get("temperature")
        if temperature is not None and temperature <= 0:
            raise _Invalid("Input validation error: `temperature` must be strictly positive")
        if params.get("max_new_tokens") == 0:
            raise _Invalid("Input validation error: `max_new_tokens` must be strictly positive")
        stop = params.get("stop") or []
        if len(stop) > MAX_STOP_SEQUENCES:
            raise _Invalid(
                f"Input validation error: `stop` supports up to {MAX_STOP_SEQUENCES} stop "
                f"sequences. Given: {len(stop)}"
            )
        if stream and params.get("decoder_input_details"):
            raise _Invalid(
                "Input validation error: `decoder_input_details` == true is not supported "
                "when streaming tokens"
            )
        return params

    def _generate(
        self, h: _Handler, body: Any, *, stream: bool, full_text_default: bool, compat: bool
    ) -> None:
        if self.mode in _ERRORS:
            status, error, error_type = _ERRORS[self.mode]
            if stream:  # already 200: the error travels as an event
                return _sse(h, [{"error": error, "error_type": error_type}], space=False)
            return _json(h, status, {"error": error, "error_type": error_type})
        if self.mode == "garbage":
            if stream:
                return _send(h, 200, b"data:" + _GARBAGE + b"\n\n", "text/event-stream")
            return _send(h, 200, _GARBAGE, "text/html")
        if self.mode == "malformed":
            if stream:
                return _sse(h, [{"index": 1, "generated_text": None, "details": None}], space=False)
            answer = {"details": {"finish_reason": "length", "generated_tokens": 0}}
            return _json(h, 200, [answer] if compat else answer)
        try:
            params = self._validate(body, stream=stream)
        except _Invalid as exc:
            if stream:
                return _sse(h, [{"error": str(exc), "error_type": "validation"}], space=False)
            return _json(h, 422, {"error": str(exc), "error_type": "validation"})
        greedy = not params.get("do_sample") and params.get("temperature") is None
        tokens, generated, finish = self._answer(
            params.get("adapter_id"),
            params.get("max_new_tokens") or 100,
            params.get("stop") or [],
        )
        full_text = params.get("return_full_text")
        if full_text is None:
            full_text = full_text_default
        if full_text:
            generated = body["inputs"] + generated
        seed = None if greedy else 42
        if stream:
            events: list[dict[str, Any]] = []
            for i, token in enumerate(tokens, start=1):
                last = i == len(tokens)
                details = {
                    "finish_reason": finish,
                    "generated_tokens": len(tokens),
                    "seed": seed,
                    "input_length": len(body["inputs"].split()),
                }
                events.append(
                    {
                        "index": i,
                        "token": token,
                        "generated_text": generated if last else None,
                        "details": details if last and params.get("details") else None,
                    }
                )
            return _sse(h, events, space=False)
        answer: dict[str, Any] = {"generated_text": generated}
        if params.get("details") or params.get("decoder_input_details"):
            answer["details"] = {
                "finish_reason": finish,
                "generated_tokens": len(tokens),
                "seed": seed,
                "prefill": [],
                "tokens": tokens,
            }
        return _json(h, 200, [answer] if compat else answer)

    def _chat(self, h: _Handler, body: Any) -> None:
        """TGI's /v1/chat/completions (and vLLM's, through `_vllm`)."""
        vllm = self.flavor == "vllm"
        if self.mode in _ERRORS:
            status, error, error_type = _ERRORS[self.mode]
            if vllm:
                err = {"object": "error", "message": error, "type": error_type, "code": status}
                return _json(h, status, err | {"param": None})
            if isinstance(body, dict) and body.get("stream"):
                return _sse(h, [{"error": error, "error_type": error_type}], space=False)
            return _json(h, status, {"error": error, "error_type": error_type})
        stream = isinstance(body, dict) and bool(body.get("stream"))
        if self.mode == "garbage":
            if stream:
                return _send(h, 200, b"data:" + _GARBAGE + b"\n\n", "text/event-stream")
            return _send(h, 200, _GARBAGE, "text/html")
        if self.mode == "malformed":
            if stream:
                return _sse(h, [{"object": "chat.completion.chunk"}], space=vllm, done=True)
            return _json(h, 200, {"object": "chat.completion", "model": self.model_id})
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _json(h, 422, {"error": "missing field `messages`", "error_type": "validation"})
        model = body.get("model")
        if vllm:
            if model not in {None, self.model_id, *self.served_adapters}:
                message = f"The model `{model}` does not exist."
                err = {"object": "error", "message": message, "type": "NotFoundError"}
                return _json(h, 404, err | {"param": "model", "code": 404})
            adapter = model if model in self.served_adapters else None
        else:
            adapter = model if model not in {None, "", "tgi"} else None
        temperature = body.get("temperature")
        if temperature is not None and temperature < 0:
            error = "Input validation error: `temperature` must be strictly positive"
            return _json(h, 422, {"error": error, "error_type": "validation"})
        tokens, generated, finish = self._answer(
            adapter, body.get("max_tokens") or 100, body.get("stop") or []
        )
        # TGI says "stop" for end-of-sequence on its OpenAI routes; vLLM too.
        finish = "stop" if finish == "eos_token" else finish
        answered_model = model if vllm and model else self.model_id
        fingerprint = f"{self.version}-native"
        created = int(time.time())
        usage = {"prompt_tokens": 12, "completion_tokens": len(tokens)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if not stream:
            return _json(
                h,
                200,
                {
                    "object": "chat.completion",
                    "id": "",
                    "created": created,
                    "model": answered_model,
                    "system_fingerprint": fingerprint,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": generated},
                            "logprobs": _chat_logprobs(tokens) if body.get("logprobs") else None,
                            "finish_reason": finish,
                        }
                    ],
                    "usage": usage,
                },
            )
        chunks = []
        for i, token in enumerate(tokens, start=1):
            last = i == len(tokens)
            content = None if token["special"] else token["text"]
            chunks.append(
                {
                    "object": "chat.completion.chunk",
                    "id": "",
                    "created": created,
                    "model": answered_model,
                    "system_fingerprint": fingerprint,
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": content},
                            "logprobs": None,
                            "finish_reason": finish if last else None,
                        }
                    ],
                    "usage": None,
                }
            )
        return _sse(h, chunks, space=vllm, done=True)

    def _vllm(self, h: _Handler, route: tuple[str, str], body: Any) -> None:
        if route == ("GET", "/health"):
            return _send(h, 200, b"", None)
        if route == ("GET", "/v1/models"):
            created = int(time.time())
            base = {"id": self.model_id, "object": "model", "created": created}
            cards = [base | {"owned_by": "vllm", "root": self.model_id, "parent": None}]
            for name in sorted(self.served_adapters):
                card = {"id": name, "object": "model", "created": created, "owned_by": "vllm"}
                cards.append(card | {"root": f"/adapters/{name}", "parent": self.model_id})
            return _json(h, 200, {"object": "list", "data": cards})
        if route == ("POST", "/v1/chat/completions"):
            return self._chat(h, body)
        return _json(h, 404, {"detail": "Not Found"})


class _Server(ThreadingHTTPServer):
    # Non-daemon handler threads, joined by server_close(): a test never ends with a
    # socket still open in a handler (warnings are errors in this suite).
    daemon_threads = False
    block_on_close = True
    fake: FakeTGI

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is a normal event here, not a failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing pooled across tests
    server_version = "fake-tgi"

    def do_GET(self) -> None:
        self.server.fake.handle(self, "GET")

    def do_POST(self) -> None:
        self.server.fake.handle(self, "POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # no console output from tests


def _send(h: _Handler, status: int, payload: bytes, content_type: str | None) -> None:
    h.send_response(status)
    if content_type:
        h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(payload)))
    h.end_headers()
    h.wfile.write(payload)


def _json(h: _Handler, status: int, payload: Any) -> None:
    _send(h, status, json.dumps(payload).encode(), "application/json")


def _sse(h: _Handler, events: list[dict[str, Any]], *, space: bool, done: bool = False) -> None:
    """Server-sent events, one `data:` line each, flushed one by one as a server would."""
    prefix = b"data: " if space else b"data:"
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.send_header("Cache-Control", "no-cache")
    h.send_header("X-Accel-Buffering", "no")
    h.end_headers()
    for event in events:
        h.wfile.write(prefix + json.dumps(event, separators=(",", ":")).encode() + b"\n\n")
        h.wfile.flush()
    if done:
        h.wfile.write(prefix + b"[DONE]\n\n")


def unused_url() -> str:
    """A loopback URL nobody listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def fake_tgi() -> Iterator[FakeTGI]:
    """A fresh fake TGI serving BioMistral with the "lumen-medical" adapter; tests change
    its attributes (mode, served_adapters, reply, flavor...) as they need."""
    with FakeTGI() as fake:
        yield fake


def _chat_logprobs(tokens: list[dict[str, Any]]) -> dict[str, Any]:
    """OpenAI's chat logprobs ("logprobs": true), as vLLM and llama.cpp return them."""
    return {
        "content": [
            {"token": t["text"], "logprob": t["logprob"], "bytes": None, "top_logprobs": []}
            for t in tokens
            if not t["special"]
        ]
    }
