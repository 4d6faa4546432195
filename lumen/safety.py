"""The safety layer every answer passes through: escalate first, refuse kindly, review last.

`screen(question)` runs before retrieval. Emergencies and crises are escalated before
anything else, with emergency numbers and crisis lines, and flagged for staff review.
Requests for prescription dosing, for obtaining controlled substances, or for a diagnosis
are refused with an explanation; where the question also has an informational part, that
part is still answered. `review(answer)` runs after generation: patient answers carry the
disclaimer and at least one citation or abstain, and prescription dosing in an answer is
withheld. `strip_instructions(passage)` keeps retrieved text as data, never instructions.

This is a rule-based screen, not a diagnosis. Its bias is deliberate: a real first-person
emergency must never be missed, so emergency rules fire on red-flag symptoms described in
the present or first person; educational questions ("what are the signs of a stroke") are
answered, with the emergency numbers shown alongside but no flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DISCLAIMER = (
    "Informational only, not medical advice. Lumen does not diagnose or prescribe; talk to a "
    "doctor or pharmacist about your situation. In an emergency call 911 (US), 999 (UK) or "
    "112 (EU)."
)
ABSTAIN_TEXT = (
    "I couldn't find a reliable source for that. Please ask a doctor or pharmacist, or try "
    "rephrasing the question."
)
EMERGENCY_MESSAGE = (
    "This may be a medical emergency. Call your emergency number now: 911 in the US, 999 in "
    "the UK, 112 in the EU. Do not wait for an answer here. If someone may have taken an "
    "overdose or been poisoned, call Poison Control (US 1-800-222-1222) or NHS 111 (UK) as "
    "well, unless they are unconscious or not breathing: then call the emergency number."
)
CRISIS_MESSAGE = (
    "I'm really sorry you're going through this. You deserve support right now, and you "
    "don't have to face it alone. In the US call or text 988 (Suicide & Crisis Lifeline); in "
    "the UK call Samaritans on 116 123 or text SHOUT to 85258. If you are in immediate "
    "danger, call 911 (US), 999 (UK) or 112 (EU)."
)
DOSING_MESSAGE = (
    "I can't advise on doses of prescription medicines: the right dose depends on you, and "
    "only your prescriber or pharmacist can set or change it. Please ask them. Here is "
    "general information from trusted sources."
)
CONTROLLED_MESSAGE = (
    "I can't help with getting controlled or prescription medicines without a prescription. "
    "If you are struggling with pain, anxiety or substance use, a doctor can help, and in the "
    "US the SAMHSA helpline (1-800-662-4357) is free and confidential."
)
DIAGNOSIS_MESSAGE = (
    "I can't diagnose what is causing this: only a clinician who can examine you can. The "
    "symptom checker can suggest how urgently to be seen. Here is general information from "
    "trusted sources."
)
EDUCATIONAL_EMERGENCY_NOTE = (
    "If these signs are happening to someone now, call 911 (US), 999 (UK) or 112 (EU)."
)

_I = re.IGNORECASE
# First-person or present-tense presentation: the question is about someone right now.
_PERSONAL = re.compile(
    r"\b(i|i'm|im|i've|ive|me|my|mine|we|our|he|she|they|his|her|their|husband|wife|son|"
    r"daughter|baby|child|kid|mum|mom|dad|father|mother|friend|partner|someone here)\b|"
    r"\b(right now|just|currently|suddenly|started|for the (last|past))\b",
    _I,
)
_EDUCATIONAL = re.compile(
    r"^\s*(what|which|how do you|how can you|how to|signs of|symptoms of)\b", _I
)

# Emergency red flags: (reason, pattern). Patterns expect a personal presentation unless the
# phrase itself is unmistakably first-person ("i can't breathe").
EMERGENCY_RULES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern, _I))
    for name, pattern in (
        ("chest_pain_cardiac",
         r"(chest|heart).{0,40}(pain|pressure|tight|crushing|squeez|heavy)|"
         r"(crushing|squeezing|tight|heavy|pressure).{0,30}chest"),
        ("stroke_signs",
         r"face.{0,20}(droop|numb|uneven)|drooping face|slurred speech|can'?t (speak|talk) properly|"
         r"(arm|leg|side).{0,25}(weak|numb|can'?t (lift|move))|can'?t lift (my|his|her) arm|"
         r"(sudden|worst).{0,25}headache|thunderclap headache|sudden(ly)? (blind|vision loss|lost vision)|"
         r"sudden (confusion|numbness)"),
        ("anaphylaxis",
         r"(throat|tongue|lips?|face).{0,20}(swell|swollen|closing)|anaphyla|"
         r"(can'?t|cannot|trouble|difficulty) (swallow|breath).{0,40}(sting|peanut|nut|allerg|bee|wasp)|"
         r"(sting|peanut|allerg).{0,40}(can'?t|cannot|trouble|difficulty) (breath|swallow)"),
        ("severe_bleeding",
         r"bleeding.{0,30}(won'?t|will not|doesn'?t|does not|can'?t) stop|spurting blood|"
         r"(vomit|cough|throw)(ing|ed)? (up )?blood|black,? tarry stool|lots of blood"),
        ("breathing",
         r"(can'?t|cannot|unable to|struggling to|hard to) breathe|(trouble|difficulty) breathing|"
         r"gasping|blue lips|lips (are )?(turning |going )?blue|"
         r"choking|not breathing|stopped breathing"),
        ("overdose_poisoning",
         r"overdos|took (too many|a whole (bottle|pack)|all (my|the|of))|swallowed (bleach|poison|batter)|"
         r"(child|kid|toddler|baby|son|daughter).{0,30}(ate|swallowed|took).{0,30}(pills?|tablets?|medic)"),
        ("seizure",
         r"seizure.{0,30}(won'?t stop|over (5|five) minutes|still|first)|fitting and|convuls"),
        ("unresponsive", r"unconscious|unresponsive|won'?t wake|passed out and"),
        ("head_injury", r"(hit|banged|injur).{0,20}head.{0,60}(vomit|confus|passed out|unconscious)"),
        ("meningitis_signs", r"(stiff neck.{0,40}(fever|rash))|rash (that )?(doesn'?t|does not|won'?t) fade"),
        ("infant_fever", r"(baby|newborn|infant).{0,40}(fever|temperature|38)|(fever|temperature).{0,30}(\d+ weeks? old|newborn)"),
        ("pregnancy_bleeding", r"pregnan.{0,60}(heavy bleeding|bleeding heavily|severe (abdominal|stomach|belly) pain)"),
        ("acute_abdomen", r"(sudden|severe|worst).{0,20}(abdominal|stomach|belly) pain.{0,40}(rigid|hard|can'?t move)"),
        ("severe_burn", r"(severe|large|deep|chemical|electrical) burn"),
    )
)  # fmt: skip
CRISIS_RULE = re.compile(
    r"\b(kill(ing)? my ?self|suicid|end (it all|my life)|want(ed)? to die|don'?t want to (live|be alive)|"
    r"no (reason|point) (to|in) (live|living)|self[- ]?harm|hurt(ing)? myself|cut(ting)? myself|"
    r"better off dead|take my (own )?life|kill (him|her|them|someone)\b)",
    _I,
)
# Over-the-counter medicines whose label directions (and maxima) may be quoted.
OTC_DRUGS = re.compile(
    r"\b(acetaminophen|paracetamol|tylenol|ibuprofen|advil|motrin|nurofen|naproxen|aleve|aspirin|"
    r"cetirizine|zyrtec|loratadine|claritin|fexofenadine|diphenhydramine|benadryl|loperamide|"
    r"famotidine|omeprazole|calcium carbonate|tums|guaifenesin|dextromethorphan|melatonin)\b",
    _I,
)
PRESCRIPTION_DRUGS = re.compile(
    r"\b(oxycodone|hydrocodone|morphine|codeine|fentanyl|methadone|tramadol|warfarin|apixaban|"
    r"rivaroxaban|dabigatran|clopidogrel|insulin|metformin|glipizide|levothyroxine|lithium|"
    r"sertraline|fluoxetine|citalopram|escitalopram|paroxetine|venlafaxine|duloxetine|bupropion|"
    r"trazodone|amitriptyline|alprazolam|xanax|lorazepam|diazepam|valium|zolpidem|gabapentin|"
    r"pregabalin|prednisone|methotrexate|digoxin|amiodarone|atorvastatin|simvastatin|lisinopril|"
    r"amlodipine|metoprolol|furosemide|spironolactone|quetiapine|haloperidol|adderall|"
    r"amphetamine|methylphenidate|ritalin|ketamine|sildenafil|viagra|tadalafil|antibiotic|"
    r"amoxicillin|ciprofloxacin|doxycycline)\b",
    _I,
)
CONTROLLED_DRUGS = re.compile(
    r"\b(oxycodone|hydrocodone|morphine|codeine|fentanyl|methadone|tramadol|alprazolam|xanax|"
    r"lorazepam|diazepam|valium|zolpidem|adderall|amphetamine|methylphenidate|ritalin|ketamine|"
    r"opioids?|benzos?|painkillers?)\b",
    _I,
)
DOSING_ASK = re.compile(
    r"\b(how (many|much)|what dose|which dose|dosage|dosing|double (my|the|a) dose|double my|"
    r"increase (my|the) dose|mg (of|should)|how often should i take|can i take (more|extra|another))",
    _I,
)
OBTAIN_ASK = re.compile(
    r"\b(buy|get|order|obtain|purchase|score|source)\b.{0,40}\b(without (a )?(prescription|script|doctor)|online|"
    r"no prescription|from the street|dark ?web)",
    _I,
)
FAKE_PRESCRIPTION = re.compile(
    r"\b(fake|forge|forging|faking|write my own) (a )?(prescription|script)", _I
)
# Educational questions about an emergency condition get the numbers alongside the answer.
EMERGENCY_TOPIC = re.compile(
    r"\b(stroke|heart attack|anaphyla\w*|sepsis|meningitis|overdose)\b", _I
)
DIAGNOSIS_ASK = re.compile(
    r"\b(do i have|have i got|am i having|diagnos(e|is) (me|my)|what'?s wrong with me|"
    r"what is wrong with me|is (this|it|my)( \w+)? (cancer|cancerous|a tumou?r|serious|diabetes|an? \w+ infection)|"
    r"what (condition|disease|illness) do i have)",
    _I,
)
# Sentences addressed to a model, not to a reader (prompt injection in retrieved text).
INJECTION = re.compile(
    r"(ignore|disregard|forget|override) (all |any )?(the )?(previous|prior|above|earlier|preceding)"
    r"|you are now|act as (an?|the)|system prompt|as an ai( model)?,? you (must|should)|"
    r"respond only with|new instructions?:|<\s*/?\s*(script|system|source)\b|\[/?inst\]|</?s>",
    _I,
)
DOSE_IN_TEXT = re.compile(
    r"\b\d+(\.\d+)?\s?(mg|mcg|µg|micrograms?|milligrams?|units?|ml|tablets?|pills?|capsules?)\b", _I
)


@dataclass(frozen=True)
class Screening:
    flags: frozenset[str]
    reasons: tuple[str, ...]
    message: str
    escalate: bool
    answerable: bool
    informational_question: str


@dataclass(frozen=True)
class Review:
    text: str
    abstained: bool
    flags: frozenset[str]


def _emergency_reasons(question: str) -> list[str]:
    return [name for name, pattern in EMERGENCY_RULES if pattern.search(question)]


def screen(question: str, *, audience: str = "patient") -> Screening:
    """Decide what must happen before (or instead of) answering `question`."""
    text = " ".join(question.split())
    if CRISIS_RULE.search(text):
        return Screening(
            frozenset({"crisis", "flagged_for_review"}), ("self_harm",), CRISIS_MESSAGE,
            escalate=True, answerable=False, informational_question=text,
        )  # fmt: skip
    emergency = _emergency_reasons(text)
    if emergency:
        personal = bool(_PERSONAL.search(text)) and not _EDUCATIONAL.search(text)
        if personal:
            return Screening(
                frozenset({"emergency", "flagged_for_review"}), tuple(emergency),
                EMERGENCY_MESSAGE, escalate=True, answerable=False, informational_question=text,
            )  # fmt: skip
        # An educational question about warning signs: answer it, numbers alongside.
        return Screening(frozenset(), (), EDUCATIONAL_EMERGENCY_NOTE, False, True, text)
    if audience == "pharma":
        return Screening(frozenset(), (), "", False, True, text)
    if EMERGENCY_TOPIC.search(text):
        return Screening(frozenset(), (), EDUCATIONAL_EMERGENCY_NOTE, False, True, text)

    if FAKE_PRESCRIPTION.search(text) or (
        OBTAIN_ASK.search(text)
        and bool(CONTROLLED_DRUGS.search(text) or PRESCRIPTION_DRUGS.search(text))
    ):
        return Screening(
            frozenset({"refused", "flagged_for_review"}), ("controlled_substance_obtain",),
            CONTROLLED_MESSAGE, escalate=False, answerable=False, informational_question=text,
        )  # fmt: skip
    if DOSING_ASK.search(text) and PRESCRIPTION_DRUGS.search(text) and not _only_otc(text):
        informational = PRESCRIPTION_DRUGS.search(text).group(0)
        return Screening(
            frozenset({"refused"}), ("dosing_prescription",), DOSING_MESSAGE, escalate=False,
            answerable=True, informational_question=f"What is {informational} and what are its side effects?",
        )  # fmt: skip
    if DIAGNOSIS_ASK.search(text):
        return Screening(
            frozenset({"refused"}), ("diagnosis_request",), DIAGNOSIS_MESSAGE, escalate=False,
            answerable=True, informational_question=text,
        )  # fmt: skip
    return Screening(frozenset(), (), "", False, True, text)


def _only_otc(text: str) -> bool:
    """Dosing questions about over-the-counter medicines may quote the label's directions."""
    return bool(OTC_DRUGS.search(text)) and not PRESCRIPTION_DRUGS.search(text)


def strip_instructions(passage_text: str) -> str:
    """Remove sentences addressed to a model; keep everything a reader needs."""
    from lumen.lib.text import split_sentences

    if not INJECTION.search(passage_text):
        return passage_text
    kept = [s for s in split_sentences(passage_text) if not INJECTION.search(s)]
    return " ".join(kept)


def _withhold_dosing(answer: str) -> tuple[str, bool]:
    from lumen.lib.text import split_sentences

    kept, withheld = [], False
    for sentence in split_sentences(answer):
        if (
            DOSE_IN_TEXT.search(sentence)
            and PRESCRIPTION_DRUGS.search(sentence)
            and not _only_otc(sentence)
        ):
            withheld = True
            continue
        kept.append(sentence)
    return " ".join(kept), withheld


def review(answer: str, *, citations: int, audience: str = "patient") -> Review:
    """The last gate: an answer is shown with its disclaimer and sources, or not at all."""
    suffix = f"\n\n{DISCLAIMER}" if audience == "patient" else ""
    if citations == 0 or not answer.strip():
        return Review(f"{ABSTAIN_TEXT}{suffix}", True, frozenset({"abstained"}))
    flags: set[str] = set()
    if audience == "patient":
        cleaned, withheld = _withhold_dosing(answer)
        if withheld:
            flags.add("refused")
            answer = f"{cleaned}\n\n(A prescription dose was removed: ask your prescriber or pharmacist.)"
    return Review(f"{answer.strip()}{suffix}", False, frozenset(flags))
