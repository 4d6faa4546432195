"""Clinical findings read from free text, however they are told.

`understand(text)` splits the text into clauses, normalises each (the screen's one
normaliser), and recognises findings from the knowledge base's lay lexicon. A NegEx-style
pass (Chapman et al. 2001: pre-negation triggers within a window, ended by a termination
term) drops negated findings ("no fever", "hasn't been sick") and marks uncertain ones
("maybe", "I think") as low-confidence, which counts for safety. Quantities (temperatures,
tablet counts, daily paracetamol, durations, weeks of pregnancy) and the subject (self, a
child, another adult, with age) are read from the raw text. Rules over findings then give a
level, each with its reason and source, and the result says what it recognised and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lumen.safety import semantic
from lumen.safety.knowledge import RANK, KnowledgeBase, knowledge_base
from lumen.safety.lexicon import DRUG_PATTERNS, normalise

# --- Negation and uncertainty (NegEx-style) -------------------------------------------------
_NEGATION = re.compile(
    r"(?<![a-z])(?:no|not|without|denies|denied|never|none|nor|neither|isnt|hasnt|havent|"
    r"doesnt|didnt|wasnt|arent|werent|free of|no sign of|no signs of|negative for)(?![a-z])"
)
_PSEUDO_NEGATION = re.compile(
    r"(?<![a-z])(?:not only|no worse|no better|not sure|not certain|no idea|no change|"
    r"not just|no longer sure)(?![a-z])"
)
_TERMINATION = re.compile(
    r"(?<![a-z])(?:but|however|although|though|yet|except|now|apart)(?![a-z])"
)
_UNCERTAIN = re.compile(
    r"(?<![a-z])(?:maybe|might|possibly|perhaps|not sure|i think|could be|may be|a bit|"
    r"slightly|kind of|sort of|wonder)(?![a-z])"
)
_WINDOW = 6  # words before a finding that a negation trigger reaches

# A comma starts a new clause only when a new statement follows it: a list ("denies cough,
# chills or fever") stays in its negation's scope.
_CLAUSE = re.compile(
    r"(?<=[.!?;])\s+|\n\s*\n|\s+-\s+|\s+(?=but\s)|,\s*(?=(?:and|but|now|then|so|she|he|i|im|i'm|my|"
    r"her|his|they|it|its|it's|we|today|this|since)\b)",
    re.IGNORECASE,
)

# Findings that mean a poisoning: the escalation names poison control.
POISONING = frozenset({"overdose", "tablet_count", "staggered_paracetamol", "ingested_medicine"})

# --- The subject -----------------------------------------------------------------------------
_CHILD = (
    r"sons?|daughters?|baby|babies|toddlers?|child|kid|boy|girl|little one|newborn|infant|"
    r"grandson|granddaughter|nephew|niece|stepson|stepdaughter|teenager|lad|lo|dd|ds"
)
_ADULT = (
    r"mum|mom|mother|mam|dad|father|husband|wife|partner|friend|flatmate|housemate|roommate|"
    r"neighbour|neighbor|grandad|granddad|grandpa|grandma|grandmother|grandfather|nan|nana|gran|"
    r"girlfriend|boyfriend|brother|sister|colleague|relative|uncle|aunt|auntie|fiance|fiancee|"
    r"patient|client|customer|resident|spouse|father in law|mother in law|mate|carer|sibling|bloke"
)
_SUBJECT_CHILD = re.compile(rf"(?<![a-z])(?:my|our|the|a|his|her) (?:\w+ )?(?:{_CHILD})(?![a-z])")
_SUBJECT_AGED_CHILD = re.compile(
    r"(?<![a-z])(?:my|our|the) (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) ?"
    r"(?:year|yr|month|week|day|y) ?(?:old|o)\b"
)
_SUBJECT_ADULT = re.compile(rf"(?<![a-z])(?:my|our|the|his|her) (?:\w+ )?(?:{_ADULT})(?![a-z])")
_ADULT_START = re.compile(rf"^(?:{_ADULT})(?![a-z])")
_SELF_START = re.compile(r"^(?:i|im|i am|me|my (?:head|chest|back|tummy|stomach|leg|arm|eye))\b")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3, "several": 4,
}  # fmt: skip
_NUM = r"(\d+(?:\.\d+)?|a couple of|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several)"
_UNIT_YEARS = {"y": 1, "yr": 1, "year": 1, "month": 1 / 12, "mo": 1 / 12, "week": 7 / 365,
               "wk": 7 / 365, "day": 1 / 365}  # fmt: skip
_AGE_OLD = re.compile(
    rf"(?<![\d.]){_NUM}[\s-]?(year|yr|y|month|mo|week|wk|day)s?[\s-]?(?:old|o)(?![a-z])"
)
_AGE_BABY = re.compile(
    rf"(?:baby|newborn|infant|son|daughter)\s*(?:is\s*)?,?\s*{_NUM}\s*(week|wk|month|mo|day)s?(?![a-z])"
)
_AGE_PLAIN = re.compile(
    r"(?:\b(?:i am|im|i m|aged?|age|is|was|she is|he is|shes|hes|years?:?)\s+|\(|,\s*|\b(?:mum|mom|dad|father|mother|grandad|grandma|nan|husband|wife|bloke|man|woman|male|female|m|f)\s*,?\s*)"
    r"(\d{1,3})(?:\s*(?:years?|yrs?|y\.?o\.?)(?:\s*old)?)?(?=\)|,|\.|:|\s|$)"
)
_AGE_YEARS = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:years?|yrs?)(?:\s*old)?(?![a-z])")
_NEWBORN = re.compile(r"(?<![a-z])(?:newborn|new born|neonate)(?![a-z])")
_AGE_NOT = re.compile(
    r"\d\s*(?:mg|g|ml|kg|tablets?|pills?|%|am|pm|min|minutes?|hours?|weeks pregnant)"
)

# --- Quantities ------------------------------------------------------------------------------
_TEMP = re.compile(
    r"(?:temp\w*|fever|thermometer|reading|measured|hot)\D{0,25}?(\d{2,3}(?:\.\d)?)\s*(°\s*[cf]?|degrees|c\b|f\b)?"
    r"|(?<![\d.])(\d{2,3}(?:\.\d)?)\s*(°\s*[cf]?|degrees\s*[cf]?|c\b|f\b)"
)
_TABLETS = re.compile(
    r"(?:took|taken|take|taking|swallowed|swallow|had|ate|eaten|downed|necked|gave|given)\s+"
    r"(?:about|around|like|maybe|over|nearly|almost|at least|roughly|approx\w*|all|up to)?\s*"
    r"(\d{1,3})\s*(?:x\s*)?(?:of\s+(?:his|her|my|their|the|mum'?s|dad'?s)\s+)?"
    r"(?:[a-z]+\s+){0,2}?(?:tablets?|pills?|capsules?|caplets?|tabs|[a-z]{5,}(?:ine|ol|am|ide|one|pam|lam|fen))"
)
# "had 16 co-codamol", "took 30 of her amitriptyline": a count of a named medicine.
_NAMED_COUNT = re.compile(
    r"(?:took|taken|take|taking|swallowed|swallow|had|ate|eaten|downed|necked|gave|given) "
    r"(?:about |around |like |maybe |over |nearly |almost |at least |roughly |up to )?"
    r"(\d{1,3}) (?:of )?(?:(?:his|her|my|their|the|mums|dads) )?(?:\w+ )?"
    + DRUG_PATTERNS["<DRUG>"]
    + r"(?![a-z])"
)
_PER_DAY = re.compile(
    r"(\d{1,2})(?:\s*(?:-|to)\s*(\d{1,2}))?\s*(?:tablets?|pills?|caplets?)\s*(?:a|per|each)\s*day"
)
_FREQUENT = re.compile(
    r"every\s*(?:1|2|3|one|two|three)(?:\s*(?:-|to)\s*(?:2|3|two|three))?\s*hours?"
)
_PARACETAMOL = re.compile(
    r"paracetamol|acetaminophen|tylenol|panadol|calpol|co-codamol|lemsip|cold and flu", re.I
)
_DURATION = re.compile(
    rf"(?:for|since|past|last|over)\s+(?:the\s+)?(?:past\s+|last\s+)?{_NUM}\s*(hour|hr|day|week|wk|month|year)s?"
    rf"|{_NUM}\s*(hour|hr|day|week|wk|month|year)s?\s+(?:now|already|straight|in a row|ago)"
)
# "for weeks", "for months", "4/52" (weeks, in clinical shorthand).
_LOOSE_DURATION = re.compile(
    r"(?:for|over|since|past|last) (?:the )?(?:past |last )?(weeks|months|years|ages)(?![a-z])"
    r"|(?<![\d/])(\d{1,2})/52(?!\d)"
)
_LOOSE_DAYS = {"weeks": 21, "months": 60, "years": 365, "ages": 21}
_UNIT_DAYS = {"hour": 1 / 24, "hr": 1 / 24, "day": 1, "week": 7, "wk": 7, "month": 30, "year": 365}
_WEEKS_PREGNANT = re.compile(
    r"(\d{1,2})\s*(?:\+\d\s*)?(?:weeks?|wks?)\s*(?:pregnant|gone|along|\+|,|\.|and|today|now|with|$)"
    r"|pregnant\s*\(?\s*(\d{1,2})\s*(?:weeks?|wks?)|at\s+(\d{1,2})\s*(?:weeks?|wks?)"
)


@dataclass(frozen=True)
class Recognised:
    id: str
    name: str
    level: str
    evidence: str  # the clause it was read from
    how: str  # "lexicon", "semantic" or "quantity"
    confidence: str  # "high", or "low" when told with uncertainty or only loosely similar
    like: str = ""  # semantic: the exemplar the clause was closest to
    score: float | None = None  # semantic: cosine similarity with it


@dataclass(frozen=True)
class Fired:
    id: str
    level: str
    reason: str
    source: str
    crisis: bool = False


@dataclass
class Understanding:
    """What Lumen understood from a description, and what it adds up to."""

    subject: str = "self"  # self, child or other_adult
    age: float | None = None  # the subject's age in years, when told
    pregnant: bool = False
    weeks_pregnant: float | None = None
    temperature: float | None = None  # °C
    tablets: int | None = None
    duration_days: float | None = None
    findings: list[Recognised] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)  # finding names read as absent
    fired: list[Fired] = field(default_factory=list)
    kb_version: str = ""

    @property
    def present(self) -> set[str]:
        return {f.id for f in self.findings}

    @property
    def level(self) -> str | None:
        """The highest level a finding or rule gives; None when nothing decisive was read."""
        levels = [f.level for f in self.findings if f.level in RANK and f.level != "self_care"]
        levels += [r.level for r in self.fired if r.level != "self_care"]
        return max(levels, key=RANK.__getitem__, default=None)

    @property
    def crisis(self) -> list[str]:
        """The crisis findings and rules read (suicidal thoughts, self-harm, harm to others):
        the crisis lines come first, whatever the level."""
        kb = knowledge_base()
        ids = [f.id for f in self.findings if f.id in kb.findings and kb.findings[f.id].crisis]
        return ids + [r.id for r in self.fired if r.crisis]

    @property
    def benign(self) -> bool:
        return any(f.level == "self_care" for f in self.findings) or any(
            r.level == "self_care" for r in self.fired
        )

    @property
    def emergencies(self) -> list[str]:
        """Reasons for an emergency level: finding names and rule reasons."""
        out = [f.name for f in self.findings if f.level == "emergency"]
        return out + [r.reason for r in self.fired if r.level == "emergency"]

    @property
    def unsure(self) -> bool:
        """An emergency finding read with low confidence: ask, or take the higher level."""
        return bool(self.to_ask)

    @property
    def to_ask(self) -> list[Recognised]:
        """Emergency findings read with low confidence: the guided path asks about each; in
        one-shot text they count (safety first) and the reason says so."""
        return [f for f in self.findings if f.level == "emergency" and f.confidence == "low"]

    def unsure_reasons(self) -> list[str]:
        return [
            f"Lumen wasn't sure whether “{f.evidence}” means {f.name.lower()}, so to be safe it "
            "treats it as an emergency. If that's not what you meant, answer the guided "
            "questions instead."
            for f in self.to_ask
        ]

    def summary(self) -> list[str]:
        """'What I understood', in lines a person can check and correct."""
        who = {"self": "you", "child": "a child", "other_adult": "another adult"}[self.subject]
        lines = [f"About: {who}" + (f", aged {_age_words(self.age)}" if self.age else "")]
        if self.pregnant:
            weeks = f", {int(self.weeks_pregnant)} weeks" if self.weeks_pregnant else ""
            lines.append(f"Pregnant{weeks}")
        if self.temperature is not None:
            lines.append(f"Temperature {self.temperature:g} °C")
        if self.tablets is not None:
            lines.append(f"{self.tablets} tablets taken")
        for f in self.findings:
            if f.level == "context" and f.how == "quantity":
                continue
            if f.how == "semantic" and f.confidence == "low":
                lines.append(f"Maybe {f.name.lower()} (it sounded like “{f.like}”): “{f.evidence}”")
                continue
            unsure = " (you weren't sure)" if f.confidence == "low" else ""
            lines.append(f"{f.name}{unsure}: “{f.evidence}”")
        for name in self.negated:
            lines.append(f"Not present: {name}")
        return lines

    def as_dict(self) -> dict:
        return {
            "subject": self.subject,
            "age": self.age,
            "pregnant": self.pregnant,
            "weeks_pregnant": self.weeks_pregnant,
            "temperature": self.temperature,
            "tablets": self.tablets,
            "findings": [f.__dict__ for f in self.findings],
            "negated": list(self.negated),
            "rules": [r.__dict__ for r in self.fired],
            "level": self.level,
            "kb_version": self.kb_version,
        }


def _age_words(age: float) -> str:
    if age < 1:
        months = round(age * 12)
        return f"{round(age * 52)} weeks" if months < 3 else f"{months} months"
    return f"{age:g}"


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]


def _status(clause: str, start: int) -> str:
    """'negated', 'uncertain' or 'affirmed' for a finding starting at `start` of a normalised
    clause."""
    before = clause[:start]
    ends = [m.end() for m in _TERMINATION.finditer(before)]
    scope = before[max(ends, default=0) :]
    window = " ".join(scope.split()[-_WINDOW:])
    window = _PSEUDO_NEGATION.sub(" ", window)
    if _NEGATION.search(window):
        return "negated"
    if _UNCERTAIN.search(" ".join(before.split()[-_WINDOW:])):
        return "uncertain"
    return "affirmed"


def understand(
    text: str,
    *,
    age: float | None = None,
    sex: str | None = None,
    pregnant: bool | None = None,
    kb: KnowledgeBase | None = None,
    semantic_match: bool = True,
) -> Understanding:
    """Findings, quantities and the subject read from `text`, and the rules they fire. Age and
    pregnancy told in the text win over the arguments (the arguments describe the account
    holder or the form; the text may be about someone else). `semantic_match=False` reads
    with the lexicon alone."""
    kb = kb or knowledge_base()
    raw = text.lower()
    result = Understanding(kb_version=kb.version)
    result.subject = _subject(normalise(text))
    told_age = _read_age(raw)
    result.age = told_age if told_age is not None else (age if result.subject == "self" else None)
    found: dict[str, Recognised] = {}
    negated: dict[str, str] = {}
    parts = clauses(text)
    for clause in parts:
        norm = normalise(clause)
        for finding in kb.findings.values():
            for pattern in finding.patterns:
                match = pattern.search(norm)
                if not match:
                    continue
                status = _status(norm, match.start())
                if status == "negated":
                    negated.setdefault(finding.id, finding.name)
                    continue
                confidence = "low" if status == "uncertain" else "high"
                known = found.get(finding.id)
                if known is None or (known.confidence == "low" and confidence == "high"):
                    found[finding.id] = Recognised(
                        finding.id, finding.name, finding.level, clause, "lexicon", confidence
                    )
                break
    if semantic_match:
        _semantic(parts, found, kb)
    _quantities(raw, result, found, kb)
    result.pregnant = bool(pregnant and result.subject == "self") or "pregnant" in found
    if result.pregnant and "pregnant" not in found:
        found["pregnant"] = Recognised(
            "pregnant", kb.findings["pregnant"].name, "context", "", "quantity", "high"
        )
    result.findings = list(found.values())
    result.negated = [name for fid, name in negated.items() if fid not in found]
    _fire(result, kb)
    return result


def _fire(result: Understanding, kb: KnowledgeBase) -> None:
    present = result.present
    result.fired = [
        Fired(rule.id, rule.level, rule.reason, rule.source, rule.crisis)
        for rule in kb.rules
        if rule.holds(
            present,
            age=result.age,
            pregnant=result.pregnant,
            weeks_pregnant=result.weeks_pregnant,
            subject=result.subject,
        )
    ]


def answered(
    result: Understanding,
    *,
    confirmed: set[str],
    denied: set[str],
    kb: KnowledgeBase | None = None,
) -> Understanding:
    """The understanding after the person answered the follow-up questions about findings
    Lumen was unsure of: a confirmed one counts as certain, a denied one is dropped (and the
    rules are read again without it)."""
    kb = kb or knowledge_base()
    findings = []
    for f in result.findings:
        if f.confidence == "low" and f.id in denied:
            continue
        findings.append(replace(f, confidence="high") if f.id in confirmed else f)
    out = replace(result, findings=findings, fired=[])
    out.negated = [*result.negated, *(kb.findings[i].name for i in denied if i in kb.findings)]
    _fire(out, kb)
    return out


# Findings the semantic matcher looks for: the ones whose miss is costly. Benign and context
# findings stay lexicon-only, so a loose match can never lower a level or complete a rule.
_SEMANTIC_LEVELS = ("emergency", "urgent")


def _semantic(parts: list[str], found: dict[str, Recognised], kb: KnowledgeBase) -> None:
    """Findings told in words the lexicon doesn't know, from their closeness to the
    exemplars. Sentence embeddings read "no chest pain" much like "chest pain", so a clause
    with a negation cue is left to the lexicon's NegEx pass."""
    wanted = {f.id for f in kb.findings.values() if f.level in _SEMANTIC_LEVELS} - set(found)
    plain = [c for c in parts if not _NEGATION.search(normalise(c))]
    # A clause closer to a benign or ordinary finding ("she developed a fever") than to any
    # emergency exemplar is that finding's business, not a loose emergency match.
    rivals = {f.id for f in kb.findings.values() if f.level not in _SEMANTIC_LEVELS}
    for m in semantic.match(plain, kb, findings=wanted, rivals=rivals):
        finding = kb.findings[m.finding]
        if m.finding in found or (finding.level != "emergency" and not m.sure):
            continue
        found[m.finding] = Recognised(
            finding.id,
            finding.name,
            finding.level,
            m.clause,
            "semantic",
            "high" if m.sure else "low",
            like=m.exemplar,
            score=m.score,
        )


def _subject(norm: str) -> str:
    child = _SUBJECT_CHILD.search(norm) or _SUBJECT_AGED_CHILD.search(norm)
    adult = _SUBJECT_ADULT.search(norm)
    if _SELF_START.search(norm) and not (child and child.start() < 12):
        return "self"
    if child and (not adult or child.start() <= adult.start()):
        return "child"
    if adult or _ADULT_START.search(norm):
        return "other_adult"
    return "self"


def _number(raw: str) -> float:
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)


def _read_age(raw: str) -> float | None:
    if _NEWBORN.search(raw):
        return 0.05
    match = _AGE_OLD.search(raw) or _AGE_BABY.search(raw)
    if match:
        unit = match.group(2).rstrip("s")
        return round(_number(match.group(1)) * _UNIT_YEARS.get(unit, 1), 3)
    for pattern in (_AGE_YEARS, _AGE_PLAIN):
        for m in pattern.finditer(raw):
            if _AGE_NOT.match(raw, m.start(1)) or (
                raw[m.end(1) : m.end(1) + 1] in {".", "°"}
                and (raw[m.end(1) + 1 : m.end(1) + 2].isdigit())
            ):
                continue
            tail = raw[m.end(1) : m.end(1) + 12]
            if re.match(
                r"\s*(?:weeks?|wks?|days?|hours?|mins?|minutes?|months?|mg|ml|%|x|tablets?)", tail
            ):
                continue
            value = float(m.group(1))
            if 0 < value <= 110:
                return value
    return None


def _quantities(raw: str, result: Understanding, found: dict, kb: KnowledgeBase) -> None:
    def add(fid: str, evidence: str) -> None:
        if fid not in found:
            finding = kb.findings[fid]
            found[fid] = Recognised(fid, finding.name, finding.level, evidence, "quantity", "high")

    for m in _TEMP.finditer(raw):
        value = float(m.group(1) or m.group(3))
        unit = (m.group(2) or m.group(4) or "").replace(" ", "")
        if value > 50 and (unit.endswith("f") or 93 <= value <= 110):
            value = round((value - 32) * 5 / 9, 1)
        if 30 <= value <= 44:
            result.temperature = value
            if value >= 38:
                add("fever", m.group(0))
                add("infection", m.group(0))
            elif value < 36:
                add("low_temperature", m.group(0))
            elif "fever" in found and found["fever"].how == "lexicon" and value < 37.8:
                # "temperature 37.2": a normal reading, not a fever.
                del found["fever"]
            break
    counts = [int(m.group(1)) for m in _TABLETS.finditer(raw)]
    counts += [int(m.group(1)) for m in _NAMED_COUNT.finditer(normalise(raw))]
    if counts:
        result.tablets = max(counts)
        if result.tablets >= 10:
            add("tablet_count", f"{result.tablets} tablets")
    if _PARACETAMOL.search(raw):
        per_day = [int(m.group(2) or m.group(1)) for m in _PER_DAY.finditer(raw)]
        if any(n > 8 for n in per_day) or (_FREQUENT.search(raw) and "day" in raw):
            add("staggered_paracetamol", "more than 8 paracetamol-containing tablets a day")
    for m in _DURATION.finditer(raw):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        days = _number(number) * _UNIT_DAYS[unit]
        result.duration_days = max(result.duration_days or 0, days)
    for m in _LOOSE_DURATION.finditer(raw):
        days = _LOOSE_DAYS[m.group(1)] if m.group(1) else _number(m.group(2)) * 7
        result.duration_days = max(result.duration_days or 0, days)
    if result.duration_days is not None and result.duration_days >= 5:
        add("long_duration", f"{result.duration_days:g} days")
    if result.duration_days is not None and result.duration_days >= 21:
        add("persistent", f"{result.duration_days:g} days")
    weeks = _WEEKS_PREGNANT.search(raw)
    if weeks and ("pregnan" in raw or raw.lstrip().startswith(weeks.group(0))):
        value = float(next(g for g in weeks.groups() if g))
        if 4 <= value <= 42:
            result.weeks_pregnant = value
            add("pregnant", weeks.group(0))
