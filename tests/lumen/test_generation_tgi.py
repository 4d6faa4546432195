"""TGIGenerator against a fake TGI on loopback that speaks TGI's wire format (tests/fakes)."""

# ruff: noqa: F811 - pytest passes the imported fake_tgi fixture to tests by its name

from __future__ import annotations

import json
import logging
import time

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from huggingface_hub import constants as hub_constants

from lumen.generation import (
    GenerationError,
    Health,
    Params,
    get_generator,
    params_from_settings,
)
from lumen.generation.extractive import ExtractiveGenerator
from lumen.generation.prompt import Prompt, PromptPassage
from lumen.generation.tgi import PROBE, TGIGenerator
from tests.fakes.tgi_server import (
    ADAPTER,
    BASE_MODEL,
    BASE_REPLY,
    REPLY,
    FakeTGI,
    fake_tgi,  # noqa: F401 - the fixture
    unused_url,
)

QUESTION = "Is my blood pressure of 150/95 dangerous?"
PROMPT = Prompt(
    question=QUESTION,
    passages=(
        PromptPassage(
            number=1,
            title="High blood pressure",
            section="Symptoms",
            text="Most people with high blood pressure have no symptoms.",
        ),
    ),
)
REPLY_TOKENS = ["High", " blood", " pressure", " often", " has", " no", " symptoms", " [1]."]
FAILURES = [
    ("error_500", "500 (incomplete_generation)"),
    ("overloaded_429", "429 (overloaded)"),
    ("validation_422", "422 (validation)"),
    ("garbage", "not JSON"),
    ("malformed", "without text"),
]


def tgi(fake: FakeTGI, **options: object) -> TGIGenerator:
    options = {"adapter_id": ADAPTER, "timeout": 2.0, "health_timeout": 2.0} | options
    return TGIGenerator(url=fake.url, **options)  # type: ignore[arg-type]


def generations(fake: FakeTGI) -> list[dict]:
    return [body for body in fake.bodies("/") if body["inputs"] == PROMPT.text()]


# --- answers -----------------------------------------------------------------------------
def test_generate_returns_the_adapters_answer_with_its_details(fake_tgi):
    generation = tgi(fake_tgi).generate(PROMPT)

    assert generation.text == REPLY
    assert generation.backend == "tgi"
    assert generation.model == BASE_MODEL  # from /info: TGI's answers never name it
    assert generation.adapter_id == ADAPTER
    assert generation.generated_tokens == len(REPLY.split()) + 1  # + the </s> token
    assert generation.finish_reason == "eos_token"


def test_generate_posts_the_prompt_and_adapter_to_tgis_compat_route(fake_tgi):
    tgi(fake_tgi).generate(PROMPT)

    (body,) = generations(fake_tgi)
    assert body == {
        "inputs": PROMPT.text(),
        "parameters": {
            "adapter_id": ADAPTER,
            "details": True,
            "do_sample": True,
            "max_new_tokens": 512,
            "return_full_text": False,  # else TGI's "/" prepends the prompt to the answer
            "stop": ["</s>", "[INST]"],
            "temperature": 0.2,
        },
    }  # no "stream": the hub sends only what is set, and TGI reads a missing one as false


def test_no_request_ever_names_the_dummy_model(fake_tgi):
    generator = tgi(fake_tgi)
    generator.generate(PROMPT)
    list(generator.stream(PROMPT))
    generator.health()

    for body in fake_tgi.bodies():
        assert "model" not in body
        assert body["parameters"].get("adapter_id") in {ADAPTER, None}
        assert "dummy" not in str(body)


def test_params_override_the_generators_defaults(fake_tgi):
    params = Params(max_new_tokens=3, temperature=0.7, stop=("###",), timeout=1.0)
    generation = tgi(fake_tgi).generate(PROMPT, params=params)

    (body,) = generations(fake_tgi)
    sent = {key: body["parameters"][key] for key in ("max_new_tokens", "temperature", "stop")}
    assert sent == {"max_new_tokens": 3, "temperature": 0.7, "stop": ["###"]}
    assert generation.text == "High blood pressure"
    assert (generation.generated_tokens, generation.finish_reason) == (3, "length")


def test_temperature_zero_is_sent_as_greedy_because_tgi_refuses_zero(fake_tgi):
    generation = tgi(fake_tgi, temperature=0.0).generate(PROMPT)

    (body,) = generations(fake_tgi)
    assert "temperature" not in body["parameters"]
    assert "do_sample" not in body["parameters"]
    assert generation.text == REPLY


def test_params_from_settings_reach_the_request(fake_tgi, settings):
    settings.LUMEN_GENERATOR_MAX_TOKENS = 4
    settings.LUMEN_GENERATOR_TEMPERATURE = 0.5
    settings.LUMEN_GENERATOR_TIMEOUT = 1.5

    assert params_from_settings() == Params(max_new_tokens=4, temperature=0.5, timeout=1.5)
    tgi(fake_tgi).generate(PROMPT, params=params_from_settings())
    (body,) = generations(fake_tgi)
    assert (body["parameters"]["max_new_tokens"], body["parameters"]["temperature"]) == (4, 0.5)


def test_without_an_adapter_none_is_sent_and_the_base_model_answers(fake_tgi):
    generation = tgi(fake_tgi, adapter_id="").generate(PROMPT)

    (body,) = generations(fake_tgi)
    assert "adapter_id" not in body["parameters"]
    assert generation.text == BASE_REPLY
    assert generation.adapter_id == ""


def test_an_adapter_tgi_has_not_loaded_is_answered_by_the_base_model_silently(fake_tgi):
    # What real TGI does (issue #2505): no error, the base model's answer. Only health()
    # can tell, which is why it probes.
    generation = tgi(fake_tgi, adapter_id="lumen-medicall").generate(PROMPT)

    assert generation.text == BASE_REPLY
    assert generation.adapter_id == "lumen-medicall"


@pytest.mark.parametrize("reply", ["", "   "])
def test_an_empty_answer_is_a_generation_error(fake_tgi, reply):
    fake_tgi.reply = reply

    with pytest.raises(GenerationError, match="without text"):
        tgi(fake_tgi).generate(PROMPT)
    with pytest.raises(GenerationError, match="without text"):
        list(tgi(fake_tgi).stream(PROMPT))


# --- streaming ---------------------------------------------------------------------------
def test_stream_yields_the_tokens_in_order_without_the_end_of_sequence_token(fake_tgi):
    pieces = list(tgi(fake_tgi).stream(PROMPT))

    assert pieces[: len(REPLY_TOKENS)] == REPLY_TOKENS
    assert "".join(pieces) == REPLY
    assert "</s>" not in pieces
    (body,) = generations(fake_tgi)
    assert body["stream"] is True
    assert body["parameters"]["adapter_id"] == ADAPTER
    assert body["parameters"]["return_full_text"] is False


def test_stream_arrives_piece_by_piece_and_can_be_abandoned(fake_tgi):
    stream = tgi(fake_tgi).stream(PROMPT)

    assert next(stream) == "High"
    stream.close()  # closes the response and the connection; no warning, no leak


# --- failures ----------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "expected"), FAILURES)
def test_a_failing_server_raises_generation_error_with_what_went_wrong(fake_tgi, mode, expected):
    fake_tgi.mode = mode

    with pytest.raises(GenerationError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        tgi(fake_tgi).generate(PROMPT)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # A stream has already answered 200: TGI sends the error as an event.
        ("error_500", "mid-stream (incomplete_generation)"),
        ("overloaded_429", "mid-stream (overloaded)"),
        ("validation_422", "mid-stream (validation)"),
        ("garbage", "not JSON"),
        ("malformed", "without a token"),
    ],
)
def test_a_failing_stream_raises_generation_error(fake_tgi, mode, expected):
    fake_tgi.mode = mode

    with pytest.raises(GenerationError) as raised:
        list(tgi(fake_tgi).stream(PROMPT))
    assert expected in str(raised.value)


@pytest.mark.parametrize("mode", [mode for mode, _ in FAILURES] + ["slow"])
def test_failures_never_carry_the_prompt_into_messages_or_logs(fake_tgi, caplog, mode):
    fake_tgi.mode = mode
    caplog.set_level(logging.DEBUG, logger="lumen.generation")

    with pytest.raises(GenerationError) as raised:
        tgi(fake_tgi, timeout=0.3).generate(PROMPT)
    with pytest.raises(GenerationError) as raised_streaming:
        list(tgi(fake_tgi, timeout=0.3).stream(PROMPT))

    for text in (str(raised.value), str(raised_streaming.value), caplog.text):
        assert QUESTION not in text
        assert "blood pressure" not in text


def test_a_server_slower_than_the_timeout_fails_quickly(fake_tgi):
    fake_tgi.mode = "slow"
    generator = tgi(fake_tgi, timeout=0.5)

    started = time.monotonic()
    with pytest.raises(GenerationError, match=r"did not answer within 0\.5 s"):
        generator.generate(PROMPT)
    with pytest.raises(GenerationError, match=r"did not answer within 0\.5 s"):
        list(generator.stream(PROMPT))
    assert time.monotonic() - started < 3


def test_a_refused_connection_raises_generation_error():
    generator = TGIGenerator(url=unused_url(), timeout=1.0)

    with pytest.raises(GenerationError, match=r"unreachable \(ConnectError\)"):
        generator.generate(PROMPT)
    with pytest.raises(GenerationError, match=r"unreachable \(ConnectError\)"):
        list(generator.stream(PROMPT))


def test_a_tgi_validation_error_is_reported_like_real_tgi(fake_tgi):
    # Five stop strings: real TGI refuses more than max_stop_sequences (4) with a 422.
    params = Params(stop=("a", "b", "c", "d", "e"))

    with pytest.raises(GenerationError, match=r"answered 422 \(validation\)"):
        tgi(fake_tgi).generate(PROMPT, params=params)


# --- what reaches the wire besides the prompt ---------------------------------------------
def test_requests_go_through_although_hugging_face_offline_mode_is_on(fake_tgi):
    # The suite runs with HF_HUB_OFFLINE=1, under which the hub's own session refuses every
    # URL; this fails if the generator ever falls back to that session.
    assert hub_constants.is_offline_mode()

    assert tgi(fake_tgi).generate(PROMPT).text == REPLY


def test_the_ambient_hugging_face_token_is_not_sent_to_the_server(fake_tgi, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_ambient_token_for_the_hub_only")

    tgi(fake_tgi).generate(PROMPT)

    for request in fake_tgi.requests:
        assert "hf_ambient" not in request.headers.get("authorization", "")


# --- health ------------------------------------------------------------------------------
def test_health_is_ok_when_the_adapter_changes_the_answers(fake_tgi):
    health = tgi(fake_tgi).health()

    assert health.ok, health.detail
    assert BASE_MODEL in health.detail
    assert ADAPTER in health.detail
    probes = [body for body in fake_tgi.bodies("/") if body["inputs"] == PROBE.text()]
    assert [p["parameters"].get("adapter_id") for p in probes] == [ADAPTER, None]
    assert all(p["parameters"]["do_sample"] is False for p in probes)  # greedy: comparable


def test_health_names_an_adapter_the_server_has_not_loaded(fake_tgi):
    fake_tgi.served_adapters = {"some-other-adapter"}

    health = tgi(fake_tgi).health()

    assert not health.ok
    assert f"adapter {ADAPTER!r} is NOT applied" in health.detail


def test_health_without_an_adapter_reports_the_base_model_and_sends_no_probe(fake_tgi):
    health = tgi(fake_tgi, adapter_id="").health()

    assert health.ok
    assert health.detail == f"TGI 3.2.1 serving {BASE_MODEL} (base model: no adapter configured)"
    assert fake_tgi.paths() == ["/health", "/info"]


def test_health_reports_an_unhealthy_server(fake_tgi):
    fake_tgi.healthy = False

    health = tgi(fake_tgi).health()

    assert not health.ok
    assert health.detail == "TGI /health answered 503 (healthcheck)"


def test_health_reports_a_probe_the_server_fails(fake_tgi):
    fake_tgi.mode = "overloaded_429"

    health = tgi(fake_tgi).health()

    assert not health.ok
    assert f"could not check adapter {ADAPTER!r}: TGI answered 429 (overloaded)" in health.detail


def test_health_of_an_unreachable_server():
    health = TGIGenerator(url=unused_url(), adapter_id=ADAPTER).health()

    assert health == Health(False, "TGI unreachable (ConnectError)")


def test_health_gives_up_after_the_health_timeout(fake_tgi):
    fake_tgi.mode = "slow"

    started = time.monotonic()
    health = tgi(fake_tgi, health_timeout=0.3).health()

    assert not health.ok
    assert health.detail == "TGI did not answer within 0.3 s"
    assert time.monotonic() - started < 2


# --- the fake's other routes, as real TGI answers them --------------------------------------
def test_tgis_compat_route_prepends_the_prompt_unless_told_not_to(fake_tgi):
    # Why the generator always sends return_full_text=false.
    body = {"inputs": "Q?", "parameters": {"adapter_id": ADAPTER}}

    (answer,) = httpx.post(fake_tgi.url, json=body).json()

    assert answer == {"generated_text": "Q?" + REPLY}


def test_tgis_native_routes_answer_a_body_and_a_token_stream(fake_tgi):
    body = {"inputs": "Q?", "parameters": {"adapter_id": ADAPTER, "details": True}}

    answer = httpx.post(f"{fake_tgi.url}/generate", json=body).json()
    events = [
        json.loads(line.removeprefix("data:"))
        for line in httpx.post(f"{fake_tgi.url}/generate_stream", json=body).text.splitlines()
        if line
    ]

    assert answer["generated_text"] == REPLY
    assert answer["details"]["finish_reason"] == "eos_token"
    assert [e["token"]["text"] for e in events][: len(REPLY_TOKENS)] == REPLY_TOKENS
    assert events[-1]["token"]["special"] is True
    assert events[-1]["generated_text"] == REPLY
    assert events[-1]["details"]["generated_tokens"] == len(events)
    assert all(e["generated_text"] is None and e["details"] is None for e in events[:-1])


# --- building from settings ----------------------------------------------------------------
def test_get_generator_builds_the_tgi_backend_from_settings(settings):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = "http://tgi.internal:8080/"
    settings.LUMEN_GENERATOR_ADAPTER_ID = ADAPTER
    settings.LUMEN_GENERATOR_TIMEOUT = 12.0
    settings.LUMEN_GENERATOR_MAX_TOKENS = 256
    settings.LUMEN_GENERATOR_TEMPERATURE = 0.1
    settings.LUMEN_HEALTH_TIMEOUT = 1.0

    generator = get_generator()

    assert isinstance(generator, TGIGenerator)
    assert (generator.name, generator.url, generator.adapter_id) == (
        "tgi",
        "http://tgi.internal:8080",
        ADAPTER,
    )
    assert (generator.timeout, generator.max_new_tokens, generator.temperature) == (12.0, 256, 0.1)
    assert generator.health_timeout == 1.0


def test_get_generator_builds_the_extractive_default(settings):
    settings.LUMEN_GENERATOR = "extractive"

    assert isinstance(get_generator(), ExtractiveGenerator)


def test_get_generator_refuses_a_remote_backend_without_a_url(settings):
    settings.LUMEN_GENERATOR_URL = ""

    with pytest.raises(ImproperlyConfigured, match="LUMEN_GENERATOR_URL"):
        get_generator("tgi")
    with pytest.raises(ImproperlyConfigured, match="Unknown generator"):
        get_generator("gpt")
