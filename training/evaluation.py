"""Evaluating a base model and its LoRA adapter on the test split and multiple-choice sets.

- Free answers (test split): greedy generation, ROUGE-L F1 against the reference answer
  (`rouge_score`, offline), disclaimer and [n] citation presence on patient answers, and
  generated tokens per second.
- Multiple choice (MedQA-style JSONL: question, options, answer_idx; or PubMedQA's JSON,
  yes/no/maybe with its abstract as numbered sources): each option is scored by the
  log-likelihood of its answer text after the prompt, never by free generation; accuracy
  by the total log-likelihood and by the log-likelihood per character (length-normalised).

Both models run in one process: the adapter is loaded once and switched off for the base.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.support import check_support
from lumen.generation.prompt import Prompt, PromptPassage, model_text
from lumen.generation.prompt import completion as answer_completion
from lumen.safety import DISCLAIMER
from training.dataset import mcq_answer, mcq_question, read_split, row_prompt
from training.gguf_base import resolve_base

_CITATION = re.compile(r"\[\d+\]")
_DISCLAIMER_CORE = "not medical advice"
# The prompt's instruction for sources that do not answer: "say you could not find a reliable
# source" (lumen.generation.prompt.SYSTEM), and the pharma variant "say so".
_ABSTAIN = re.compile(
    r"(could not|couldn't|cannot|can't|did not|didn't) find|no reliable source|"
    r"(do|does) not (answer|say|mention|cover)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


class EvaluationDataError(ValueError):
    """A test split or multiple-choice file is missing or unreadable."""


@dataclass(frozen=True)
class ChoiceItem:
    question: str
    options: dict[str, str]
    answer: str
    passages: tuple[PromptPassage, ...] = ()

    def prompt(self) -> Prompt:
        return Prompt(
            question=mcq_question(self.question, self.options),
            passages=self.passages,
            audience="patient",
        )


def read_choice_file(path: Path) -> list[ChoiceItem]:
    """MedQA-style JSONL, or PubMedQA's {PMID: {QUESTION, CONTEXTS, final_decision}} JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvaluationDataError(f"Cannot read {path}: {exc.strerror}.") from exc
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvaluationDataError(f"{path} is not JSON ({exc.msg}).") from exc
        return [_pubmedqa(item) for item in data.values()]
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            items.append(
                ChoiceItem(
                    question=row["question"], options=row["options"], answer=row["answer_idx"]
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvaluationDataError(
                f"{path}, line {number}: expected MedQA JSONL (question, options, answer_idx)."
            ) from exc
    return items


def _pubmedqa(item: dict) -> ChoiceItem:
    options = {"A": "yes", "B": "no", "C": "maybe"}
    letter = {v: k for k, v in options.items()}[item["final_decision"]]
    labels = item.get("LABELS") or []
    passages = tuple(
        PromptPassage(
            number=n,
            title="Abstract",
            section=(labels[n - 1].title() if n - 1 < len(labels) else ""),
            text=text,
        )
        for n, text in enumerate(item.get("CONTEXTS", []), start=1)
    )
    return ChoiceItem(question=item["QUESTION"], options=options, answer=letter, passages=passages)


def _normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def contamination(items: list[ChoiceItem], data: Path) -> int:
    """How many multiple-choice questions also appear in the training split."""
    path = data / "train.jsonl"
    if not path.is_file():
        return 0
    questions = {_normalised(mcq_question(i.question, i.options)) for i in items}
    return sum(
        1 for row in read_split(data, "train") if _normalised(row["instruction"]) in questions
    )


# ---------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------


class Scorer:
    def __init__(self, model, tokenizer, device: str):
        self.model, self.tokenizer, self.device = model, tokenizer, device

    def _encode(self, text: str) -> list[int]:
        # Tokenised exactly as trl's SFTTrainer and TGI do: the tokenizer's own special tokens.
        return self.tokenizer(text)["input_ids"]

    def generate(self, prompt: str, max_new_tokens: int) -> tuple[str, int, float]:
        import torch

        ids = torch.tensor([self._encode(prompt)], device=self.device)
        started = time.perf_counter()
        with torch.no_grad():
            out = self.model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        seconds = time.perf_counter() - started
        new = out[0, ids.shape[1] :]
        return self.tokenizer.decode(new, skip_special_tokens=True).strip(), len(new), seconds

    def option_loglikelihoods(self, prompt: str, completions: list[str]) -> list[float]:
        """Sum of log-probabilities of each completion's tokens after the prompt."""
        import torch

        prompt_ids = self._encode(prompt)
        rows, starts = [], []
        for completion in completions:
            full = self._encode(prompt + completion)
            common = 0
            while common < min(len(full), len(prompt_ids)) and full[common] == prompt_ids[common]:
                common += 1
            rows.append(full)
            starts.append(max(common, 1))
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id
        input_ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=self.device)
        mask = torch.tensor(
            [[1] * len(r) + [0] * (width - len(r)) for r in rows], device=self.device
        )
        with torch.no_grad():
            logits = self.model(input_ids=input_ids, attention_mask=mask).logits.float()
        logprobs = torch.log_softmax(logits[:, :-1], dim=-1)
        targets = input_ids[:, 1:]
        token_lp = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        scores = []
        for i, row in enumerate(rows):
            scores.append(float(token_lp[i, starts[i] - 1 : len(row) - 1].sum()))
        return scores


def free_answer_metrics(
    scorer: Scorer, rows: list[dict[str, Any]], *, max_new_tokens: int, progress=None
) -> dict[str, Any]:
    from rouge_score import rouge_scorer

    rouge = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    scores, tokens, seconds = [], 0, 0.0
    patient, with_disclaimer, with_citation, abstained = 0, 0, 0, 0
    kept = dropped = 0
    samples = []
    for row in rows:
        prompt = row_prompt(row)
        text, new_tokens, took = scorer.generate(
            model_text(prompt, scorer.tokenizer), max_new_tokens
        )
        abstained += bool(_ABSTAIN.search(text))
        if prompt.passages:  # the serving check: which sentences their cited passages support
            check = check_support(text, {p.number: p.text for p in prompt.passages})
            kept, dropped = kept + check.kept, dropped + check.dropped
        tokens += new_tokens
        seconds += took
        scores.append(rouge.score(row["output"], text)["rougeL"].fmeasure)
        if row["metadata"].get("audience", "patient") == "patient":
            patient += 1
            with_disclaimer += _DISCLAIMER_CORE in text.lower() or DISCLAIMER in text
            with_citation += bool(_CITATION.search(text))
        if len(samples) < 3:
            samples.append({"question": row["instruction"], "answer": text})
        if progress:
            progress(1)
    return {
        "examples": len(rows),
        "rouge_l": round(sum(scores) / len(scores), 4) if scores else None,
        "patient_answers": patient,
        "disclaimer_rate": round(with_disclaimer / patient, 4) if patient else None,
        "citation_rate": round(with_citation / patient, 4) if patient else None,
        # Of the generated sentences making a claim, the share their cited passages support
        # (knowledge.support, the check serving applies; the rest would be dropped).
        "supported_share": round(kept / (kept + dropped), 4) if kept + dropped else None,
        "abstention_rate": round(abstained / len(rows), 4) if rows else None,
        "tokens_per_second": round(tokens / seconds, 1) if seconds else None,
        "generated_tokens": tokens,
        "samples": samples,
    }


def choice_metrics(scorer: Scorer, items: list[ChoiceItem], progress=None) -> dict[str, Any]:
    correct = correct_norm = 0
    for item in items:
        letters = sorted(item.options)
        tokenizer = scorer.tokenizer
        completions = [
            answer_completion(mcq_answer(letter, item.options), tokenizer) for letter in letters
        ]
        scores = scorer.option_loglikelihoods(model_text(item.prompt(), tokenizer), completions)
        per_char = [s / max(len(c), 1) for s, c in zip(scores, completions, strict=True)]
        correct += letters[max(range(len(letters)), key=scores.__getitem__)] == item.answer
        correct_norm += letters[max(range(len(letters)), key=per_char.__getitem__)] == item.answer
        if progress:
            progress(1)
    n = len(items)
    return {
        "items": n,
        "accuracy": round(correct / n, 4) if n else None,
        "accuracy_norm": round(correct_norm / n, 4) if n else None,
    }


# ---------------------------------------------------------------------------------------------
# The whole evaluation
# ---------------------------------------------------------------------------------------------


def evaluate(
    *,
    base: str,
    adapter: Path | None,
    data: Path | None,
    mcq_files: list[Path],
    limit: int | None,
    max_new_tokens: int,
    four_bit: bool = False,
    progress_factory=None,
) -> dict[str, Any]:
    """Metrics for the base model and (if given) the adapter; see the module docstring."""
    from training.modeling import (
        check_adapter,
        check_model,
        load_model,
        load_tokenizer,
        pick_device,
    )

    base = resolve_base(base)  # a GGUF file becomes its de-quantised folder
    check_model(base)
    if adapter is not None:
        check_adapter(adapter)
    rows: list[dict] = []
    if data is not None:
        if not (data / "test.jsonl").is_file():
            raise EvaluationDataError(f"No test.jsonl in {data} (run manage.py build_dataset).")
        rows = read_split(data, "test")[:limit] if limit else read_split(data, "test")
    choice_sets = {}
    for path in mcq_files:
        items = read_choice_file(path)
        choice_sets[path.name] = (items[:limit] if limit else items, path)
    device = pick_device()
    tokenizer = load_tokenizer(str(adapter) if adapter and (adapter / "tokenizer.json").is_file()
                               else base)  # fmt: skip
    model, quantised = load_model(base, device=device, four_bit=four_bit)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter))
    model.eval()
    scorer = Scorer(model, tokenizer, device.name)
    variants = [("base", model.disable_adapter if adapter is not None else nullcontext)]
    if adapter is not None:
        variants.append(("adapter", nullcontext))
    results: dict[str, Any] = {
        "base_model": base,
        "adapter": str(adapter) if adapter else None,
        "device": device.name,
        "quantised": quantised,
        "limit": limit,
        "max_new_tokens": max_new_tokens,
    }
    total = len(variants) * (len(rows) + sum(len(i) for i, _ in choice_sets.values()))
    bar = progress_factory(total) if progress_factory else None
    tick = bar.update if bar else None
    for name, context in variants:
        section: dict[str, Any] = {}
        with context():
            if rows:
                section["test_split"] = free_answer_metrics(
                    scorer, rows, max_new_tokens=max_new_tokens, progress=tick
                )
            for file_name, (items, _) in choice_sets.items():
                section.setdefault("multiple_choice", {})[file_name] = choice_metrics(
                    scorer, items, progress=tick
                )
        results[name] = section
    if bar:
        bar.close()
    if data is not None:
        results["contamination"] = {
            name: contamination(items, data) for name, (items, _) in choice_sets.items()
        }
    return results


def headline(results: dict[str, Any]) -> dict[str, Any]:
    """Flat numbers for the TrainingRun row and the admin list."""
    flat: dict[str, Any] = {}
    for variant in ("base", "adapter"):
        section = results.get(variant) or {}
        test = section.get("test_split") or {}
        for key in (
            "rouge_l",
            "disclaimer_rate",
            "citation_rate",
            "supported_share",
            "abstention_rate",
            "tokens_per_second",
        ):
            if test.get(key) is not None:
                flat[f"{variant}_{key}"] = test[key]
        for name, mcq in (section.get("multiple_choice") or {}).items():
            flat[f"{variant}_mcq_{name}"] = mcq["accuracy"]
    return flat
