"""OpenAIGenerator against the fake server on loopback, answering as TGI's Messages API and
as vLLM's OpenAI server (tests/fakes)."""

# ruff: noqa: F811 - pytest passes the imported fake_tgi fixture to tests by its name

from __future__ import annotations

import logging
import time

import pytest

from lumen.generation import GenerationError, Params, get_generator
from lumen.generation.openai_compat import OpenAIGenerator
from lumen.generation.prompt import Prompt, PromptPassage
from tests.fakes.tgi_server import (
    ADAPTER,
    BASE_MODEL,
    BASE_REPLY,
    REPLY,
    FakeTGI,
    fake_tgi,  # noqa: F401 - the fixture
    unused_url,
)

QUESTION = "Can I take ibuprofen with lisinopril?"
PROMPT = Prompt(
    question=QUESTION,
    passages=(
        PromptPassage(
            number=1,
            title="Lisinopril",
            section="Interactions",
            text="NSAIDs such as ibuprofen may reduce the effect of lisinopril.",
        ),
    ),
)
CHAT = "/v1/chat/completions"
REPLY_TOKENS = ["High", " blood", " pressure", " often", " has", " no", " symptoms", " [1]."]


def openai(fake: FakeTGI, **options: object) -> OpenAIGenerator:
    options = {"adapter_id": ADAPTER, "timeout": 2.0, "health_timeout": 2.0} | options
    return OpenAIGenerator(url=fake.url, **options)  # type: ignore[arg-type]


# --- TGI's Messages API --------------------------------------------------------------------
def test_generate_returns_the_adapters_answer_from_tgi(fake_tgi):
    generation = openai(fake_tgi).generate(PROMPT)

    assert generation.text == REPLY
    assert generation.backend == "openai"
    assert generation.model == BASE_MODEL  # TGI always names its base model here
    assert generation.adapter_id == ADAPTER
    assert generation.generated_tokens == len(REPLY.split()) + 1
    assert generation.finish_reason == "stop"


def test_generate_sends_the_chat_messages_with_the_adapter_as_model(fake_tgi):
    openai(fake_tgi).generate(PROMPT)

    (body,) = fake_tgi.bodies(CHAT)
    assert body == {
        "model": ADAPTER,
        "messages": PROMPT.messages(),
        "max_tokens": 512,
        "temperature": 0.2,
        "stop": ["</s>", "[INST]"],
        "stream": False,
    }


def test_without_an_adapter_the_model_is_tgi_never_dummy(fake_tgi):
    generator = openai(fake_tgi, adapter_id="")
    generation = generator.generate(PROMPT)
    list(generator.stream(PROMPT))

    assert [body["model"] for body in fake_tgi.bodies(CHAT)] == ["tgi", "tgi"]
    assert generation.text == BASE_REPLY


def test_temperature_zero_is_sent_as_zero_which_openai_routes_read_as_greedy(fake_tgi):
    openai(fake_tgi).generate(PROMPT, params=Params(temperature=0.0, max_new_tokens=5))

    (body,) = fake_tgi.bodies(CHAT)
    assert (body["temperature"], body["max_tokens"]) == (0.0, 5)


def test_stream_from_tgi_yields_the_tokens_in_order_despite_its_unspaced_done(fake_tgi):
    # TGI ends the stream with `data:[DONE]`, which huggingface_hub 2.4 cannot parse.
    pieces = list(openai(fake_tgi).stream(PROMPT))

    assert pieces[: len(REPLY_TOKENS)] == REPLY_TOKENS
    assert "".join(pieces) == REPLY
    (body,) = fake_tgi.bodies(CHAT)
    assert body["stream"] is True
    assert body["model"] == ADAPTER


def test_health_on_tgi_cannot_confirm_an_adapter_and_says_why(fake_tgi):
    health = openai(fake_tgi).health()

    assert not health.ok
    assert f"adapter {ADAPTER!r} is not served" in health.detail
    assert "TGI never lists adapters" in health.detail


def test_health_on_tgi_without_an_adapter_reports_the_base_model(fake_tgi):
    health = openai(fake_tgi, adapter_id="").health()

    assert health.ok
    assert BASE_MODEL in health.detail


# --- vLLM's OpenAI server ----------------------------------------------------------------
@pytest.fixture
def fake_vllm():
    with FakeTGI(flavor="vllm") as fake:
        yield fake


def test_generate_on_vllm_answers_with_the_lora_module(fake_vllm):
    generation = openai(fake_vllm).generate(PROMPT)

    assert generation.text == REPLY
    assert generation.model == ADAPTER  # vLLM names the model it was asked for


def test_stream_from_vllm_yields_the_tokens_in_order(fake_vllm):
    assert "".join(openai(fake_vllm).stream(PROMPT)) == REPLY


def test_health_on_vllm_is_ok_when_the_adapter_is_listed_and_changes_the_answers(fake_vllm):
    health = openai(fake_vllm).health()

    assert health.ok, health.detail
    assert health.detail.startswith(f"OpenAI-compatible server serving {ADAPTER!r} on {BASE_MODEL}")
    assert "adapter applied" in health.detail
    probes = [b for b in fake_vllm.bodies(CHAT) if b.get("logprobs")]
    assert sorted(b["model"] for b in probes) == sorted([ADAPTER, BASE_MODEL])


def test_health_on_vllm_fails_for_a_listed_adapter_that_changes_nothing(fake_vllm):
    fake_vllm.inert_adapters = {ADAPTER}

    health = openai(fake_vllm).health()

    assert not health.ok
    assert f"adapter {ADAPTER!r} is NOT applied" in health.detail


def test_the_adapter_probe_uses_the_configured_base_model_name(fake_vllm):
    fake_vllm.inert_adapters = {ADAPTER}

    health = openai(fake_vllm, base_model=BASE_MODEL).health()

    assert not health.ok and repr(BASE_MODEL) in health.detail


def test_health_on_vllm_names_an_adapter_it_does_not_list(fake_vllm):
    fake_vllm.served_adapters = {"other-adapter"}

    health = openai(fake_vllm).health()

    assert not health.ok
    assert f"adapter {ADAPTER!r} is not served" in health.detail
    assert "other-adapter" in health.detail


def test_health_on_vllm_without_an_adapter_asks_for_a_served_model_name(fake_vllm):
    health = openai(fake_vllm, adapter_id="").health()

    assert not health.ok
    assert "vLLM serves no model named 'tgi'" in health.detail


def test_an_adapter_vllm_does_not_serve_is_a_404(fake_vllm):
    fake_vllm.served_adapters = set()

    with pytest.raises(GenerationError, match=r"answered 404 \(NotFoundError\)"):
        openai(fake_vllm).generate(PROMPT)


# --- failures ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flavor", "mode", "expected"),
    [
        ("tgi", "error_500", "answered 500 (incomplete_generation)"),
        ("tgi", "overloaded_429", "answered 429 (overloaded)"),
        ("tgi", "validation_422", "answered 422 (validation)"),
        ("tgi", "garbage", "not JSON"),
        ("tgi", "malformed", "unexpected body"),
        ("vllm", "error_500", "answered 500"),
        ("vllm", "overloaded_429", "answered 429"),
        ("vllm", "validation_422", "answered 422"),
    ],
)
def test_a_failing_server_raises_generation_error(flavor, mode, expected):
    with FakeTGI(flavor=flavor, mode=mode) as fake, pytest.raises(GenerationError) as raised:
        openai(fake).generate(PROMPT)
    assert expected in str(raised.value)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("error_500", "mid-stream (incomplete_generation)"),
        ("overloaded_429", "mid-stream (overloaded)"),
        ("validation_422", "mid-stream (validation)"),
        ("garbage", "not JSON"),
        ("malformed", "without choices"),
    ],
)
def test_a_failing_stream_raises_generation_error(fake_tgi, mode, expected):
    fake_tgi.mode = mode

    with pytest.raises(GenerationError) as raised:
        list(openai(fake_tgi).stream(PROMPT))
    assert expected in str(raised.value)


def test_an_empty_answer_is_a_generation_error(fake_tgi):
    fake_tgi.reply = ""

    with pytest.raises(GenerationError, match="without text"):
        openai(fake_tgi).generate(PROMPT)
    with pytest.raises(GenerationError, match="without text"):
        list(openai(fake_tgi).stream(PROMPT))


def test_failures_never_carry_the_prompt_into_messages_or_logs(fake_tgi, caplog):
    caplog.set_level(logging.DEBUG, logger="lumen.generation")
    messages = []
    for mode in ("error_500", "overloaded_429", "validation_422", "garbage", "malformed"):
        fake_tgi.mode = mode
        for call in (openai(fake_tgi).generate, lambda p: list(openai(fake_tgi).stream(p))):
            with pytest.raises(GenerationError) as raised:
                call(PROMPT)
            messages.append(str(raised.value))

    for text in [*messages, caplog.text]:
        assert QUESTION not in text
        assert "ibuprofen" not in text


def test_a_server_slower_than_the_timeout_fails_quickly(fake_tgi):
    fake_tgi.mode = "slow"
    generator = openai(fake_tgi, timeout=0.5)

    started = time.monotonic()
    with pytest.raises(GenerationError, match=r"did not answer within 0\.5 s"):
        generator.generate(PROMPT)
    with pytest.raises(GenerationError, match=r"did not answer within 0\.5 s"):
        list(generator.stream(PROMPT))
    assert time.monotonic() - started < 3


def test_a_refused_connection_raises_generation_error_and_fails_health():
    generator = OpenAIGenerator(url=unused_url(), adapter_id=ADAPTER, timeout=1.0)

    with pytest.raises(GenerationError, match=r"unreachable \(ConnectError\)"):
        generator.generate(PROMPT)
    with pytest.raises(GenerationError, match=r"unreachable \(ConnectError\)"):
        list(generator.stream(PROMPT))
    health = generator.health()
    assert not health.ok
    assert "unreachable (ConnectError)" in health.detail


def test_health_gives_up_after_the_health_timeout(fake_tgi):
    fake_tgi.mode = "slow"

    health = openai(fake_tgi, health_timeout=0.3).health()

    assert not health.ok
    assert "did not answer within 0.3 s" in health.detail


def test_a_url_ending_in_v1_reaches_the_same_routes(fake_tgi):
    generator = OpenAIGenerator(url=f"{fake_tgi.url}/v1/", adapter_id="")

    assert generator.generate(PROMPT).text == BASE_REPLY
    assert generator.health().ok
    assert fake_tgi.paths() == [CHAT, "/v1/models"]


# --- building from settings ----------------------------------------------------------------
def test_get_generator_builds_the_openai_backend_from_settings(settings):
    settings.LUMEN_GENERATOR = "openai"
    settings.LUMEN_GENERATOR_URL = "http://vllm.internal:8000"
    settings.LUMEN_GENERATOR_ADAPTER_ID = ADAPTER
    settings.LUMEN_GENERATOR_TIMEOUT = 20.0
    settings.LUMEN_HEALTH_TIMEOUT = 0.5

    generator = get_generator()

    assert isinstance(generator, OpenAIGenerator)
    assert (generator.name, generator.model, generator.url) == (
        "openai",
        ADAPTER,
        "http://vllm.internal:8000",
    )
    assert (generator.timeout, generator.health_timeout) == (20.0, 0.5)
