"""Reviewing an answer before it is shown, and cleaning retrieved passages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lumen.safety.lexicon import PRESCRIPTION_DRUGS
from lumen.safety.messages import ABSTAIN_TEXT, DISCLAIMER, WITHHELD_NOTICE
from lumen.safety.screen import _INJECTION, _PLACEHOLDERS, AUDIENCES

# ---------------------------------------------------------------------------------------------
# Reviewing an answer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    text: str  # the answer as it may be shown, disclaimer appended for patients
    abstained: bool
    flags: frozenset[str]  # {"abstained"}, {"refused"} when dosing was withheld, or empty


# A dose in an answer: a strong unit anywhere, or a count of tablets in an instruction.
_DOSE_AMOUNT = re.compile(
    r"(?<![\w.])\d[\d,]*(?:\.\d+)?\s?(?:-|to)?\s?(?:\d[\d,]*(?:\.\d+)?\s?)?"
    r"(?:mg|mcg|µg|ug|micrograms?|milligrams?|units?|iu|ml|mls|millilit\w+)\b"
    r"(?!\s?(?:/|per)\s?d?l\b)(?!\s+(?:of\s+)?alcohol|\s+(?:a|per|each)\s+week)",
    re.IGNORECASE,
)
_DOSE_INSTRUCTION = re.compile(
    r"\b(?:take|taking|give|giving|use|swallow|inject|have)\s+(?:(?:more than|up to|no more than"
    r"|not more than|at most|a maximum of)\s+)?(?:\d+|one|two|three|four|five|six"
    r"|eight|ten|half|a couple of)\s+(?:\w+\s+)?(?:tablets?|pills?|capsules?|caps|puffs?|doses?"
    r"|drops?|injections?|sachets?|patches?)\b",
    re.IGNORECASE,
)
_DOSE_CHANGE = re.compile(
    r"(?<!not )(?<!never )(?<!n't )(?<!dont )\b(?:increase|decrease|double|halve|reduce|raise"
    r"|lower|up|adjust|titrate|taper)\s+(?:your|the|their|his|her)\s+(?:\w+\s+){0,2}"
    r"(?:dose|dosage|doses)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(
    r"\s*(?:[^.!?\n]|[.!?](?=\w))+(?:[.!?]+[\"')\]]*(?:\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\])*|(?=\n)|$)"
)
_ANSWER_DRUG = re.compile(
    r"\b" + _PLACEHOLDERS["<DRUG>"] + r"\b|\bblood thinners?\b|\byour (?:prescribed )?(?:dose"
    r"|prescription|medicine|medication)\b",
    re.IGNORECASE,
)


def review(answer: str, *, citations: int, audience: str = "patient") -> Review:
    """The answer as it may be shown: abstain when nothing cites a source, withhold
    prescription dosing sentences (patients), and append the disclaimer (patients)."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; expected one of {AUDIENCES}.")
    text = answer.strip()
    flags: set[str] = set()
    if citations <= 0 or not text:
        return Review(
            text=_with_disclaimer(ABSTAIN_TEXT, audience),
            abstained=True,
            flags=frozenset({"abstained"}),
        )
    if audience == "patient":
        text, withheld = _withhold_dosing(text)
        if withheld:
            flags.add("refused")
    return Review(text=_with_disclaimer(text, audience), abstained=False, flags=frozenset(flags))


def _with_disclaimer(text: str, audience: str) -> str:
    if audience != "patient" or DISCLAIMER in text:
        return text
    return f"{text}\n\n{DISCLAIMER}"


def _withhold_dosing(text: str) -> tuple[str, bool]:
    """Remove the sentences that give a prescription dose; keep everything else as written."""
    kept: list[str] = []
    withheld = False
    context: str | None = None  # the medicine the answer last named
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        if not sentence.strip():
            kept.append(sentence)
            continue
        drug = _dose_drug(sentence, context)
        if drug is not None and drug in PRESCRIPTION_DRUGS | {"prescription"}:
            withheld = True
            kept.append(_leading_space(sentence))
        else:
            kept.append(sentence)
        names = _ANSWER_DRUG.findall(sentence)
        if names:
            context = _classify(names[-1])
    if not withheld:
        return text, False
    result = _tidy("".join(kept))
    body = re.sub(r"\[\d+\]|\s", "", result)
    if not re.search(r"[A-Za-z]{3,}", body.replace("Composed from sources", "")):
        return WITHHELD_NOTICE, True
    return f"{result}\n\n{WITHHELD_NOTICE}", True


def _classify(name: str) -> str:
    """A medicine name as written in an answer -> its list name ("prescription" for "your
    medicine"/"blood thinner", which are prescribed)."""
    word = name.lower()
    if word.startswith("your") or word.startswith("blood thinner"):
        return "prescription"
    return word


def _dose_drug(sentence: str, context: str | None) -> str | None:
    """The medicine a dose in this sentence belongs to (nearest by position, else the one the
    answer last named), or None when the sentence gives no dose."""
    doses = [m.start() for m in _DOSE_AMOUNT.finditer(sentence)]
    doses += [m.start() for m in _DOSE_INSTRUCTION.finditer(sentence)]
    doses += [m.start() for m in _DOSE_CHANGE.finditer(sentence)]
    if not doses:
        return None
    names = [(m.start(), _classify(m.group(0))) for m in _ANSWER_DRUG.finditer(sentence)]
    if not names:
        return context
    for dose in doses:
        nearest = min(names, key=lambda n: abs(n[0] - dose))[1]
        if nearest in PRESCRIPTION_DRUGS or nearest == "prescription":
            return nearest
    return names[0][1]


# ---------------------------------------------------------------------------------------------
# Retrieved passages
# ---------------------------------------------------------------------------------------------

_SCRIPT_BLOCK = re.compile(r"<\s*script\b.*?<\s*/\s*script\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def strip_instructions(passage_text: str) -> str:
    """Retrieved text is data, never instructions: remove sentences addressed to a model
    (prompt injection) before a passage reaches a prompt or an extractive answer.

    HTML comments (hidden from readers, a classic carrier) go; a sentence or line that speaks
    to a model or holds a script goes whole; everything else is kept as written (only the
    whitespace left where something was removed is tidied). A passage with nothing to remove
    is returned unchanged."""
    # A script block becomes a bare tag, so the sentence around it goes, periods inside it and
    # all.
    text = _SCRIPT_BLOCK.sub("<script>", _COMMENT.sub(" ", passage_text))
    removed = text != passage_text
    kept = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        if sentence.strip() and _INJECTION.search(sentence):
            removed = True
            kept.append(_leading_space(sentence))
        else:
            kept.append(sentence)
    if not removed:
        return passage_text
    return _tidy("".join(kept))


def _leading_space(sentence: str) -> str:
    """What separated a removed sentence from the one before: kept, so paragraphs survive."""
    return sentence[: len(sentence) - len(sentence.lstrip())]


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
