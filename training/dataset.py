"""Instruction examples for fine-tuning, built from the knowledge base in the database.

Every answer is composed from stored text (never written here): the sentences of a passage,
each followed by its source number in the shared prompt format, with the patient disclaimer
on patient answers. Categories:

- `patient_qa`: health topics and drug labels, one question per section;
- `drug_info`: the drug database (uses, side effects, warnings, pregnancy, storage, access);
- `interaction_check`: interaction rules (pairs and class-level rules);
- `regulatory_qa` and `qa_documentation`: guidance sections for pharma QA staff;
- `triage`: red flags from the symptom-checker rules, when `patients.triage` provides them;
- imported sets (`--import-jsonl`), each its own category.

Then exact and near-duplicate removal (MinHash over word shingles, verified by Jaccard), an
80/10/10 split stratified by category where no source document lands in two splits, and
distractor passages drawn from the same split, so the model learns to pick its citations.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lumen.generation.prompt import Prompt, PromptPassage, training_pair
from lumen.lib.text import split_sentences
from lumen.safety import DISCLAIMER

SPLITS = ("train", "validation", "test")
SPLIT_FRACTIONS = {"train": 0.8, "validation": 0.1, "test": 0.1}
MAX_ANSWER_SENTENCES = 5
DISTRACTORS = 2
NEAR_DUPLICATE_THRESHOLD = 0.85

# Answers refer to their passages as [@0], [@1] ... until passages are shuffled and numbered.
_MARK = re.compile(r"\[@(\d+)\]")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Example:
    """One instruction example before numbering: `passages[0..]` are what the answer cites."""

    instruction: str
    output: str
    category: str
    source: str  # where it came from: "lumen-starter", "openfda-label", "triage-rules", ...
    source_doc: str  # the grouping key: no source document spans two splits
    audience: str = "patient"
    passages: list[dict[str, str]] = field(default_factory=list)
    medical_area: str = ""
    drug_class: str = ""

    def dedup_text(self) -> str:
        return f"{self.instruction}\n{self.output}"


class ImportFileError(ValueError):
    """An import file is missing or not JSONL."""


# ---------------------------------------------------------------------------------------------
# Composing answers from stored text
# ---------------------------------------------------------------------------------------------


def cited(text: str, passage: int = 0, limit: int = MAX_ANSWER_SENTENCES) -> str:
    """The first `limit` sentences of `text`, each followed by the passage's citation mark."""
    sentences = [s.strip() for s in split_sentences(text) if s.strip()][:limit]
    return " ".join(f"{s} [@{passage}]" for s in sentences)


def patient_answer(body: str) -> str:
    return f"{body}\n\n{DISCLAIMER}"


def _passage(title: str, section: str, text: str, url: str = "") -> dict[str, str]:
    return {"title": title, "section": section, "text": text, "url": url}


_TOPIC_QUESTIONS = {
    "what it is": "What is {topic}?",
    "symptoms": "What are the symptoms of {topic}?",
    "causes and risk factors": "What causes {topic}, and who is at risk?",
    "when to see a doctor": "When should I see a doctor about {topic}?",
    "when to get emergency help": "When is {topic} an emergency?",
    "self-care and prevention": "What can I do myself about {topic}, and how can I prevent it?",
    "treatment overview": "How is {topic} treated?",
}


def topic_question(topic: str, section: str) -> str:
    template = _TOPIC_QUESTIONS.get(section.strip().lower())
    if template:
        return template.format(topic=topic)
    return f"{topic}: what should I know about {section[:1].lower()}{section[1:]}?"


def _topic_name(title: str) -> str:
    """'High blood pressure (hypertension)' -> 'high blood pressure (hypertension)'."""
    return title if title[:2].isupper() else title[:1].lower() + title[1:]


# ---------------------------------------------------------------------------------------------
# Sources in the database
# ---------------------------------------------------------------------------------------------


def document_examples(chunks: Iterable) -> Iterator[Example]:
    """Health topics and labels -> patient Q&A; guidance -> regulatory Q&A and QA tasks.

    `chunks` are knowledge.Chunk rows with their document selected."""
    for chunk in chunks:
        doc = chunk.document
        section = chunk.section or doc.title
        passage = _passage(doc.title, chunk.section, chunk.text, doc.url)
        common = {
            "source": doc.source.slug,
            "source_doc": f"{doc.source.slug}:{doc.external_id}",
            "passages": [passage],
        }
        if doc.doc_type in ("health_topic", "drug_label"):
            body = cited(chunk.text)
            if not body:
                continue
            topic = _topic_name(doc.title.removesuffix(": patient information"))
            yield Example(
                instruction=topic_question(topic, section),
                output=patient_answer(body),
                category="patient_qa",
                medical_area=doc.metadata.get("area", "") or doc.title,
                drug_class=doc.metadata.get("drug_class", ""),
                **common,
            )
        elif doc.doc_type == "guidance":
            area = f"{doc.authority} {doc.get_region_display()}".strip()
            body = cited(chunk.text)
            if not body:
                continue
            yield Example(
                instruction=f"What does {doc.title} say about {section}?",
                output=f"{section} ({doc.title}): {body}",
                category="regulatory_qa",
                audience="pharma",
                medical_area=area,
                **common,
            )
            sentences = [s for s in split_sentences(chunk.text) if len(_WORD.findall(s)) >= 4]
            if len(sentences) >= 2:
                items = "\n".join(f"- {s.strip()} [@0]" for s in sentences[:8])
                yield Example(
                    instruction=(
                        f"Draft the checklist for a QA procedure (SOP) covering {section} of "
                        f"{doc.title}: one item per requirement, each with its source."
                    ),
                    output=f"Checklist for {section}:\n{items}",
                    category="qa_documentation",
                    audience="pharma",
                    medical_area=area,
                    **common,
                )


_DRUG_FIELDS = (
    ("uses", "Uses", "What is {name} used for?"),
    ("common_side_effects", "Common side effects", "What are the common side effects of {name}?"),
    ("label_warnings", "Important warnings", "What are the important warnings for {name}?"),
    ("pregnancy_warning", "Pregnancy and breastfeeding", "Can I take {name} while pregnant?"),
    ("storage", "Storage", "How should I store {name}?"),
)


def drug_examples(drugs: Iterable) -> Iterator[Example]:
    """Drug information from the drug database: one question per filled-in field."""
    for drug in drugs:
        title = f"{drug.name.capitalize()}: patient information"
        url = drug.references[0].get("url", "") if drug.references else ""
        brand = f" ({drug.brand_names[0]})" if drug.brand_names else ""
        for attribute, section, question in _DRUG_FIELDS:
            text = getattr(drug, attribute)
            body = cited(text)
            if not body:
                continue
            yield Example(
                instruction=question.format(name=f"{drug.name}{brand}"),
                output=patient_answer(body),
                category="drug_info",
                source="drug-database",
                source_doc=f"drug:{drug.name}",
                passages=[_passage(title, section, text, url)],
                medical_area=drug.drug_class,
                drug_class=", ".join(drug.classes),
            )


def interaction_examples(rules: Iterable, class_labels: dict[str, str]) -> Iterator[Example]:
    """One interaction check per rule (pair or class-level)."""

    def side(drug, class_name: str) -> str:
        if drug is not None:
            return drug.name
        label = class_labels.get(class_name, class_name.replace("_", " "))
        return f"a medicine in the {label} group"

    for rule in rules:
        a, b = side(rule.drug_a, rule.class_a), side(rule.drug_b, rule.class_b)
        text = f"{rule.mechanism} {rule.management} Source: {rule.source}."
        body = (
            f"Taking {a} with {b} is a {rule.severity} interaction [@0]. "
            f"{cited(rule.mechanism, limit=3)} {cited(rule.management, limit=3)}"
        ).strip()
        classes = sorted(
            {c for d in (rule.drug_a, rule.drug_b) if d is not None for c in d.classes}
            | {c for c in (rule.class_a, rule.class_b) if c}
        )
        yield Example(
            instruction=f"Can I take {a} with {b}?",
            output=patient_answer(body),
            category="interaction_check",
            source="interaction-rules",
            source_doc=f"interaction:{rule.side_a}+{rule.side_b}",
            passages=[
                _passage(
                    f"Interaction: {rule.side_a} with {rule.side_b}",
                    f"{rule.get_severity_display()} interaction",
                    text,
                    rule.source_url,
                )
            ],
            medical_area="drug interactions",
            drug_class=", ".join(classes),
        )


def triage_examples() -> tuple[list[Example], str]:
    """Red flags from patients/triage.py's rule base, or none with the reason it was skipped."""
    try:
        from patients import triage
    except ImportError as exc:
        return [], f"skipped: patients.triage not importable ({exc})"
    loader = getattr(triage, "rules", None)
    labels = getattr(triage, "DISPOSITION_LABELS", None)
    if loader is None or labels is None:
        return [], "skipped: patients.triage exposes no rules() loader"
    try:
        base = loader()
    except Exception as exc:  # a broken rule file must not stop a dataset build
        return [], f"skipped: triage rules did not load ({exc})"
    title = f"Lumen symptom-checker rules (version {base.version})"
    examples: list[Example] = []
    flags = [(None, flag) for flag in base.general_flags]
    flags += [(c, flag) for c in base.complaints.values() for flag in c.red_flags]
    for complaint, flag in flags:
        advice = labels.get(flag.disposition, flag.disposition)
        text = f"{flag.label}. {advice}. {flag.reason}"
        about = complaint.label.lower() if complaint else "feeling unwell"
        examples.append(
            Example(
                instruction=f"I have {about}, and also: {flag.label[:1].lower()}"
                f"{flag.label[1:]}. What should I do?",
                output=patient_answer(f"{advice} [@0]. {flag.reason} [@0]"),
                category="triage",
                source="triage-rules",
                source_doc=f"triage:{complaint.id if complaint else 'general'}",
                passages=[_passage(title, complaint.label if complaint else "General", text)],
                medical_area=complaint.label if complaint else "general red flags",
            )
        )
    return examples, f"{len(examples)} red flags (rules version {base.version})"


# ---------------------------------------------------------------------------------------------
# Imported sets (local JSONL)
# ---------------------------------------------------------------------------------------------


def mcq_question(question: str, options: dict[str, str]) -> str:
    """A multiple-choice item as one instruction (the same text evaluation scores)."""
    lines = "\n".join(f"{letter}. {text}" for letter, text in sorted(options.items()))
    return f"{question.strip()}\n\nOptions:\n{lines}\n\nAnswer with the letter of the best option."


def mcq_answer(letter: str, options: dict[str, str]) -> str:
    return f"{letter}. {options[letter]}"


def import_examples(path: Path, category: str) -> tuple[list[Example], int]:
    """Examples from a JSONL file: MedQA-style multiple choice (question, options, answer_idx),
    instruction sets (instruction, [input,] output) or question/answer pairs. Returns the
    examples and how many lines were skipped as unusable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    examples, skipped = [], 0
    slug = f"import:{category}"
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{path}, line {number}: not JSON ({exc.msg}).") from exc
        example = _imported(item, category, slug, f"{slug}:{number}")
        if example is None:
            skipped += 1
        else:
            examples.append(example)
    return examples, skipped


def _imported(item: Any, category: str, slug: str, key: str) -> Example | None:
    if not isinstance(item, dict):
        return None
    options, answer = item.get("options"), item.get("answer_idx")
    if isinstance(options, dict) and isinstance(answer, str) and answer in options:
        return Example(
            instruction=mcq_question(str(item.get("question", "")), options),
            output=mcq_answer(answer, options),
            category=category,
            source=slug,
            source_doc=key,
            medical_area=str(item.get("meta_info") or ""),
        )
    instruction = item.get("instruction") or item.get("question")
    output = item.get("output") or item.get("answer")
    if not isinstance(instruction, str) or not isinstance(output, str):
        return None
    context = item.get("input") or ""
    return Example(
        instruction=instruction.strip(),
        output=output.strip(),
        category=category,
        source=slug,
        source_doc=key,
        passages=[_passage("Context", "", context)] if context else [],
    )


# ---------------------------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def shingles(text: str, size: int = 5) -> set[str]:
    words = _normalise(text).split()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


class MinHasher:
    """MinHash signatures (numpy) with LSH banding to find near-duplicate candidates."""

    _PRIME = (1 << 61) - 1

    def __init__(self, permutations: int = 64, bands: int = 16, seed: int = 1):
        import numpy as np

        self.np = np
        rng = np.random.default_rng(seed)
        self.a = rng.integers(1, 1 << 31, size=permutations, dtype=np.uint64)
        self.b = rng.integers(0, 1 << 31, size=permutations, dtype=np.uint64)
        self.bands, self.rows = bands, permutations // bands

    def signature(self, items: set[str]):
        np = self.np
        hashes = np.array(
            [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest()) for s in items],
            dtype=np.uint64,
        )
        # 32-bit hashes times 31-bit factors stay below 2**64: no overflow before the modulo.
        return ((np.outer(hashes, self.a) + self.b) % self._PRIME).min(axis=0)

    def band_keys(self, signature) -> list[tuple[int, bytes]]:
        return [
            (band, signature[band * self.rows : (band + 1) * self.rows].tobytes())
            for band in range(self.bands)
        ]


def deduplicate(
    examples: list[Example], *, threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> tuple[list[Example], dict[str, int]]:
    """Drop exact duplicates (same normalised instruction and answer), then near-duplicates
    (shingle Jaccard >= threshold among MinHash LSH candidates). The first one seen stays."""
    seen: set[str] = set()
    unique: list[Example] = []
    for example in examples:
        key = hashlib.sha256(_normalise(example.dedup_text()).encode()).hexdigest()
        if key not in seen:
            seen.add(key)
            unique.append(example)
    exact = len(examples) - len(unique)
    hasher = MinHasher()
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    sets: list[set[str]] = []
    kept: list[Example] = []
    for example in unique:
        items = shingles(example.dedup_text())
        keys = hasher.band_keys(hasher.signature(items))
        candidates = {i for key in keys for i in buckets.get(key, ())}
        if any(jaccard(items, sets[i]) >= threshold for i in candidates):
            continue
        index = len(kept)
        kept.append(example)
        sets.append(items)
        for key in keys:
            buckets[key].append(index)
    return kept, {"exact": exact, "near": len(unique) - len(kept)}


# ---------------------------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------------------------


def split_by_source(examples: list[Example], *, seed: int) -> dict[str, list[Example]]:
    """80/10/10 by category, keeping every source document's examples in one split.

    Each source document goes with its most frequent category; within a category documents
    are placed largest first (ties in seeded random order) into whichever split is furthest
    below its share of that category's examples."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        groups[example.source_doc].append(example)
    by_category: dict[str, list[str]] = defaultdict(list)
    for key, members in groups.items():
        category = Counter(e.category for e in members).most_common(1)[0][0]
        by_category[category].append(key)
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffles, not secrets
    assignment: dict[str, str] = {}
    for category in sorted(by_category):
        keys = sorted(by_category[category])
        rng.shuffle(keys)
        keys.sort(key=lambda k: -len(groups[k]))  # stable: shuffled order breaks ties
        total = sum(len(groups[k]) for k in keys)
        counts = dict.fromkeys(SPLITS, 0)
        for key in keys:
            split = max(SPLITS, key=lambda s: SPLIT_FRACTIONS[s] * total - counts[s])
            assignment[key] = split
            counts[split] += len(groups[key])
    result: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for example in examples:
        result[assignment[example.source_doc]].append(example)
    return result


def add_distractors(
    examples: list[Example], *, rng: random.Random, count: int = DISTRACTORS
) -> None:
    """Give each example with sources up to `count` passages from other source documents of
    the same split (never another split) and audience, like the extra passages retrieval
    returns."""
    pools: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for e in examples:
        if e.passages and not e.source.startswith("import:"):
            pools[e.audience].append((e.source_doc, e.passages[0]))
    for example in examples:
        pool = pools.get(example.audience)
        if not pool or not example.passages or example.source.startswith("import:"):
            continue
        picks: list[dict] = []
        for _ in range(count * 3):
            doc, passage = pool[rng.randrange(len(pool))]
            if doc != example.source_doc and passage not in picks:
                picks.append(passage)
            if len(picks) == count:
                break
        example.passages = [*example.passages, *picks]


def finalise(example: Example, rng: random.Random) -> dict[str, Any]:
    """Shuffle the passages, number them, and write the row (with its exact prompt text)."""
    order = list(range(len(example.passages)))
    rng.shuffle(order)
    number_of = {original: position + 1 for position, original in enumerate(order)}
    output = _MARK.sub(lambda m: f"[{number_of[int(m.group(1))]}]", example.output)
    passages = [example.passages[i] for i in order]
    prompt = prompt_for(example.instruction, passages, example.audience)
    pair = training_pair(prompt, output)
    return {
        "instruction": example.instruction,
        "input": "\n\n".join(
            f"[{n}] {p['title']}{' — ' + p['section'] if p['section'] else ''}\n{p['text']}"
            for n, p in enumerate(passages, start=1)
        ),
        "output": output,
        "metadata": {
            "source": example.source,
            "source_doc": example.source_doc,
            "category": example.category,
            "medical_area": example.medical_area,
            "drug_class": example.drug_class,
            "audience": example.audience,
            "cited": sorted({number_of[int(m)] for m in _MARK.findall(example.output)}),
            "passages": passages,
        },
        **pair,
    }


def prompt_for(instruction: str, passages: list[dict[str, str]], audience: str) -> Prompt:
    """The serving prompt (lumen.generation.prompt) for a dataset row."""
    return Prompt(
        question=instruction,
        passages=tuple(
            PromptPassage(
                number=n,
                title=p["title"],
                section=p.get("section", ""),
                text=p["text"],
                url=p.get("url", ""),
            )
            for n, p in enumerate(passages, start=1)
        ),
        audience=audience,
    )


def row_prompt(row: dict[str, Any]) -> Prompt:
    meta = row["metadata"]
    return prompt_for(row["instruction"], meta.get("passages", []), meta.get("audience", "patient"))


# ---------------------------------------------------------------------------------------------
# The whole build
# ---------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    counts: dict[str, int]
    statistics: dict[str, Any]
    files: dict[str, Path]


def collect_examples(progress: Callable[[int], None] | None = None) -> tuple[list[Example], dict]:
    """Every example the knowledge base gives, with notes per source kind."""
    from training.selectors import (
        chunks_for_training,
        class_labels,
        drugs_for_training,
        interaction_rules_for_training,
    )

    tick = progress or (lambda n: None)
    examples: list[Example] = []
    notes: dict[str, str] = {}
    for name, produce in (
        ("documents", lambda: document_examples(chunks_for_training())),
        ("drugs", lambda: drug_examples(drugs_for_training())),
        (
            "interactions",
            lambda: interaction_examples(interaction_rules_for_training(), class_labels()),
        ),
    ):
        before = len(examples)
        for example in produce():
            examples.append(example)
            tick(1)
        notes[name] = f"{len(examples) - before} examples"
    triage, notes["triage"] = triage_examples()
    examples += triage
    tick(len(triage))
    return examples, notes


def build(
    *,
    out: Path,
    seed: int = 13,
    imports: list[tuple[Path, str]] | None = None,
    near_threshold: float = NEAR_DUPLICATE_THRESHOLD,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Collect, import, deduplicate, split and write train/validation/test.jsonl and
    statistics.json under `out`."""
    examples, notes = collect_examples(progress)
    skipped_imports = {}
    for path, category in imports or []:
        imported, skipped = import_examples(path, category)
        examples += imported
        skipped_imports[category] = skipped
        notes[f"import:{category}"] = f"{len(imported)} examples, {skipped} lines skipped"
    total = len(examples)
    examples, removed = deduplicate(examples, threshold=near_threshold)
    splits = split_by_source(examples, seed=seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffles, not secrets
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    rows_by_split: dict[str, list[dict]] = {}
    for split in SPLITS:
        add_distractors(splits[split], rng=rng)
        rows = [finalise(e, rng) for e in splits[split]]
        rng.shuffle(rows)
        rows_by_split[split] = rows
        files[split] = out / f"{split}.jsonl"
        with files[split].open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    stats = statistics_for(rows_by_split)
    stats.update(
        {
            "seed": seed,
            "collected": total,
            "duplicates_removed": removed,
            "near_duplicate_threshold": near_threshold,
            "notes": notes,
        }
    )
    files["statistics"] = out / "statistics.json"
    files["statistics"].write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    counts = {s: len(rows_by_split[s]) for s in SPLITS}
    return BuildResult(counts=counts, statistics=stats, files=files)


def statistics_for(rows_by_split: dict[str, list[dict]]) -> dict[str, Any]:
    def lengths(values: list[int]) -> dict[str, float]:
        if not values:
            return {"min": 0, "mean": 0, "median": 0, "max": 0}
        return {
            "min": min(values),
            "mean": round(statistics.fmean(values), 1),
            "median": statistics.median(values),
            "max": max(values),
        }

    result: dict[str, Any] = {"splits": {}}
    for split, rows in rows_by_split.items():
        result["splits"][split] = {
            "examples": len(rows),
            "by_category": dict(sorted(Counter(r["metadata"]["category"] for r in rows).items())),
            "by_source": dict(sorted(Counter(r["metadata"]["source"] for r in rows).items())),
            "source_documents": len({r["metadata"]["source_doc"] for r in rows}),
            "words": {
                key: lengths([len(r[key].split()) for r in rows])
                for key in ("instruction", "input", "output")
            },
            "prompt_chars": lengths([len(r["prompt"]) for r in rows]),
        }
    every = [r for rows in rows_by_split.values() for r in rows]
    result["by_category"] = dict(sorted(Counter(r["metadata"]["category"] for r in every).items()))
    result["by_source"] = dict(sorted(Counter(r["metadata"]["source"] for r in every).items()))
    result["examples"] = len(every)
    return result


def read_split(directory: Path, split: str) -> list[dict[str, Any]]:
    path = directory / f"{split}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


__all__ = [
    "SPLITS",
    "BuildResult",
    "Example",
    "ImportFileError",
    "build",
    "deduplicate",
    "import_examples",
    "mcq_answer",
    "mcq_question",
    "read_split",
    "row_prompt",
    "split_by_source",
]
