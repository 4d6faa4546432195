"""A tiny Mistral-architecture model and byte-level BPE tokenizer, built offline.

Hidden size 64, 2 layers, 4 heads; the tokenizer is trained on the starter corpus text with
Mistral's special tokens, adds `<s>` like Mistral's tokenizer (TemplateProcessing) and has no
token_type_ids (generate() would fail on them). It is pre-trained for a few seconds on the
starter text so fine-tuning starts from a model that has seen the words.
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.starter import STARTER_DIR


def corpus_lines() -> list[str]:
    lines = []
    for name in ("health_topics.json", "guidance.json"):
        for entry in json.loads((STARTER_DIR / name).read_text()):
            lines.append(entry["title"])
            lines += [f"{s['heading']}\n{s['text']}" for s in entry["sections"]]
    for drug in json.loads((STARTER_DIR / "drugs.json").read_text()):
        lines += [drug["name"], drug.get("uses", ""), drug.get("common_side_effects", "")]
    for rule in json.loads((STARTER_DIR / "interactions.json").read_text()):
        lines += [rule["mechanism"], rule["management"]]
    from lumen.generation.prompt import SOURCES_RULE, SYSTEM
    from lumen.safety import DISCLAIMER

    lines += [*SYSTEM.values(), SOURCES_RULE, DISCLAIMER, "[INST] [/INST] Question: Sources:"]
    return [line for line in lines if line]


def build_tokenizer(out: Path, vocab_size: int = 4000):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<unk>", "<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus_lines(), trainer=trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]
    )
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        model_input_names=["input_ids", "attention_mask"],
    )
    wrapped.save_pretrained(out)
    return wrapped


def build_tiny_model(out: Path, *, pretrain_steps: int = 60) -> Path:
    """Write a tiny pre-trained Mistral model with its tokenizer to `out`; returns `out`."""
    import torch
    from transformers import MistralConfig, MistralForCausalLM

    torch.manual_seed(0)
    tokenizer = build_tokenizer(out)
    config = MistralConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    from lumen.generation.prompt import SYSTEM
    from lumen.safety import DISCLAIMER

    model = MistralForCausalLM(config)
    text = corpus_lines()
    optimiser = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    for step in range(pretrain_steps):
        first = (step * 6) % len(text)
        # The template's fixed parts in every batch, as a real base model knows its language.
        batch = [*text[first : first + 6], DISCLAIMER, SYSTEM["patient"]]
        ids = [tokenizer(t, truncation=True, max_length=128)["input_ids"] for t in batch]
        width = max(len(i) for i in ids)
        input_ids = torch.tensor([i + [tokenizer.eos_token_id] * (width - len(i)) for i in ids])
        mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i in ids])
        labels = input_ids.masked_fill(mask == 0, -100)
        loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
    model.eval()
    model.generation_config.pad_token_id = tokenizer.eos_token_id
    model.save_pretrained(out)
    return out
