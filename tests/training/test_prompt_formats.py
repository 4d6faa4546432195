"""Which text a model trains and is evaluated on: the text its server will feed it. A model
with a chat template that takes a system turn (SmolLM2's ChatML) is served through
/v1/chat/completions, where the server applies that template; anything else gets Lumen's
instruction format (TGI's /generate)."""

from __future__ import annotations

import pytest

from lumen.generation.prompt import Prompt, PromptPassage, completion, model_text, training_pair
from tests.training.tiny_model import build_tokenizer

PROMPT = Prompt(
    question="What is sunburn?",
    passages=(PromptPassage(1, "Sunburn", "Overview", "Sunburn is skin damage from the sun."),),
)
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
# Mistral's template: only alternating user/assistant turns, a system turn raises.
MISTRAL = (
    "{% for m in messages %}{% if m['role'] == 'system' %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant') }}"
    "{% endif %}[INST] {{ m['content'] }} [/INST]{% endfor %}"
)


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    return build_tokenizer(tmp_path_factory.mktemp("tok"), vocab_size=500)


def test_without_a_chat_template_the_instruction_format_is_used(tokenizer):
    tokenizer.chat_template = None

    assert model_text(PROMPT, tokenizer) == PROMPT.text()
    assert training_pair(PROMPT, "It is skin damage [1].", tokenizer) == {
        "prompt": PROMPT.text(),
        "completion": " It is skin damage [1].</s>",
    }


def test_a_chat_template_with_a_system_turn_renders_what_the_server_sends(tokenizer):
    tokenizer.chat_template = CHATML
    tokenizer.eos_token = "</s>"

    text = model_text(PROMPT, tokenizer)

    assert text.startswith(f"<|im_start|>system\n{PROMPT.system}<|im_end|>\n")
    assert f"<|im_start|>user\n{PROMPT.user_content()}<|im_end|>\n" in text
    assert text.endswith("<|im_start|>assistant\n")
    assert completion("It is skin damage [1]. ", tokenizer) == "It is skin damage [1].</s>"


def test_a_template_that_refuses_a_system_turn_falls_back_to_the_instruction_format(tokenizer):
    tokenizer.chat_template = MISTRAL

    assert model_text(PROMPT, tokenizer) == PROMPT.text()
    assert completion("Yes [1].", tokenizer) == " Yes [1].</s>"
