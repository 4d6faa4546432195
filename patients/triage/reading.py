"""Facts read from plain-language and clinical text: negated and past-history spans, age, sex,
pregnancy, duration, onset, severity and vital signs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_NEGATION_CUE = re.compile(
    r"(?<![a-z])(?:no|not|denies|denied|denying|without|negative for|free of|absence of|absent"
    r"|nor|never had|doesn'?t have|does not have|didn'?t have|did not have|hasn'?t had"
    r"|has not had|haven'?t had|hasn'?t been|has not been|hasn'?t|isn'?t|no signs? of|no evidence of|ruled out|resolved)(?![a-z])"
)
_NEGATION_END = re.compile(
    r"[.;:!?\n]|(?<![a-z])(?:but|however|although|though|except|apart from|aside from|yet"
    r"|presents?|presenting|reports?|complains?|which|who|she|he|they|and (?:is|has|was|had"
    r"|now|then|reports?|complains?|feels?|developed|started)|now|then|with)(?![a-z])"
)
_NEGATION_WORDS = 8
_LIST_AFTER = re.compile(r"(?<![a-z])(?:or|nor)(?![a-z])|, and |,[^,]+,")
_PAST_HISTORY = re.compile(
    r"(?<![a-z])(?:(?:past |prior |previous |family )?(?:medical )?history of|h/o|pmh"
    r"|previously had|in the past|years ago|as a (?:child|baby)|in infancy|used to have"
    r"|(?:brother|sister|mother|father|uncle|aunt|cousins?|grandmother|grandfather|parents?"
    r"|family members?|relatives?) (?:with|has|had|who)|family history)(?![a-z])"
)
_PAST_END = re.compile(
    r"[.;:!?\n]|(?<![a-z])(?:presents?|presenting|who|but|now|currently|today|and (?:is|has"
    r"|now|presents?|reports?|complains?))(?![a-z])"
)
# Symptoms the illness started with that have since gone ("initially had a sore throat, but
# now ...").
_EARLIER_ONLY = re.compile(
    r"(?:initially|at first|originally) (?:had|there was|with) ([^.;]*?)(?=,? but (?:now|since)"
    r"|,? which (?:has |have )?(?:now )?(?:resolved|settled|gone))"
)
_DURATION_BEFORE = re.compile(r"(?:hour|hr|day|week|wk|month|year)s?[- ]?$")


def _spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans whose findings don't count: negated ("no fever", "denies chest pain"),
    and past history ("history of asthma")."""
    spans: list[tuple[int, int]] = []
    history: list[tuple[int, int]] = []
    for match in _NEGATION_CUE.finditer(text):
        start = match.end()
        rest = text[start:]
        end_match = _NEGATION_END.search(rest)
        end = start + (end_match.start() if end_match else len(rest))
        # A comma ends the scope unless a list follows ("denies fever, chills, or sweats").
        comma = text.find(",", start, end)
        if comma != -1 and not _LIST_AFTER.search(text[comma:end]):
            end = comma
        words = list(re.finditer(r"\S+", text[start:end]))
        if len(words) > _NEGATION_WORDS:
            end = start + words[_NEGATION_WORDS - 1].end()
        spans.append((start, end))
    for match in _PAST_HISTORY.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()].strip()
        if _DURATION_BEFORE.search(before):
            continue  # "a 3-day history of cough" is the present illness
        rest = text[match.end() :]
        end_match = _PAST_END.search(rest)
        history.append((match.end(), match.end() + (end_match.start() if end_match else len(rest))))
    for match in _EARLIER_ONLY.finditer(text):
        history.append(match.span(1))
    return spans, history


@dataclass(frozen=True)
class Prepared:
    text: str
    negated: tuple[tuple[int, int], ...]
    history: tuple[tuple[int, int], ...]


def present(pattern: re.Pattern, text: str | Prepared, *, history: bool = False) -> bool:
    """Whether the pattern occurs other than negated (and, unless `history`, other than in
    past history)."""
    if isinstance(text, str):
        text = prepare(text)
    excluded = text.negated if history else text.negated + text.history
    for match in pattern.finditer(text.text):
        if not any(start <= match.start() < end for start, end in excluded):
            return True
    return False


@lru_cache(maxsize=256)
def prepare(text: str) -> Prepared:
    normal = normalise(text)
    negated, history = _spans(normal)
    return Prepared(normal, tuple(negated), tuple(history))


def normalise(text: str) -> str:
    text = text.lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00b0", "°")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    # Vignettes and pasted notes wrap lines mid-sentence: a line break is not a boundary.
    return re.sub(r"\s+", " ", text).strip()


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3, "a few": 3,
    "a couple of": 2, "couple of": 2, "many": 5,
}  # fmt: skip
_UNIT_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
_NUM = r"(\d+(?:\.\d+)?|a couple of|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many)"
_UNIT = r"(min(?:ute)?|hour|hr|day|week|wk|month|year|yr)s?"
_DURATION = re.compile(
    rf"(?:for|over|past|last|since|x|lasting|of|\(|^|\s){_NUM}[- ]?(?:\w+ )?{_UNIT}(?![a-z])"
    rf"(?![- ]*old|\s*of age)"
)
_AGE_OLD = re.compile(rf"(?<![\d.]){_NUM}[- ]?{_UNIT}[- ]?old(?![a-z])")
_AGE_OTHER = re.compile(
    r"(?<![a-z0-9])(?:aged?|age of)\s*(\d{1,3})(?![\d%])|(?<![\d.])(\d{1,3})\s*(?:yo|y/o|y\.o\.|yrs?)(?![a-z])"
    r"|(?:i'?m|i am|he'?s|he is|she'?s|she is|is) (\d{1,3})(?= *(?:,|\.|and|$|years|yrs))"
)
_SEX_FEMALE = re.compile(
    r"(?<![a-z])(?:woman|women|female|girl|lady|mother|mum|mom|wife|daughter|she|her|sister"
    r"|grandmother|aunt|pregnant)(?![a-z])"
)
_SEX_MALE = re.compile(
    r"(?<![a-z])(?:man|men|male|boy|gentleman|father|dad|husband|son|he|his|him|brother"
    r"|grandfather|uncle)(?![a-z])"
)
_PREGNANT = re.compile(
    r"(?<![a-z])(?:pregnan(?:t|cy)|weeks'? (?:pregnant|gestation)|gestation\w*|gravid\w*"
    r"|expecting a baby|antenatal|prenatal|trimester|g\d ?p\d)(?![a-z])"
)
_SUDDEN = re.compile(
    r"(?<![a-z])(?:sudden\w*|abrupt\w*|all of a sudden|thunderclap|out of (?:nowhere|the blue)"
    r"|came on (?:very )?(?:quickly|fast)|within (?:seconds|minutes))(?![a-z])"
)
_GRADUAL = re.compile(r"(?<![a-z])(?:gradual\w*|slowly|insidious\w*|progressive\w*)(?![a-z])")
_SEVERITY_NUMBER = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:/|out of)\s*10(?![\d])")
_SEVERITY_WORDS = (
    (re.compile(r"(?<![a-z])(?:excruciating|agoni\w*|unbearable|worst|writhing)(?![a-z])"), 9),
    (
        re.compile(
            r"(?<![a-z])(?:severe\w*|intense|terrible|crushing|very bad|really bad)(?![a-z])"
        ),
        8,
    ),
    (re.compile(r"(?<![a-z])(?:moderate\w*|quite bad)(?![a-z])"), 5),
    (re.compile(r"(?<![a-z])(?:mild\w*|slight\w*|a bit of|a little|minor)(?![a-z])"), 2),
)
_TEMPERATURE = re.compile(
    r"(?:temp(?:erature)?|fevers?|febrile|pyrexia|t)\s*(?:of|is|was|at|to|up to|reaching|as high as|:|=)?\s*"
    r"(\d{2,3}(?:\.\d+)?)\s*(?:°|degrees?|deg)?\s*(f|c|fahrenheit|celsius|centigrade)?(?![a-z\d])"
    r"|(\d{2,3}(?:\.\d+)?)\s*(?:°\s*|degrees?\s*|deg\s*)(f|c|fahrenheit|celsius|centigrade)?(?![a-z])"
)
_HEART_RATE = re.compile(
    r"(?:heart rate|hr|pulse(?: rate)?|pulse of|tachycardic to|tachycardia to|tachycardia of)"
    r"\s*(?:of|is|was|at|:|=)?\s*(\d{2,3})(?![\d/])|(?<![\d/])(\d{2,3})\s*(?:bpm|beats per minute|beats/min)"
)
_RESP_RATE = re.compile(
    r"(?:respiratory rate|resp(?:iratory)? rate|resp|rr|breathing rate)\s*(?:of|is|was|at|:|=)?\s*"
    r"(\d{1,2})(?![\d/])|(?<![\d/])(\d{1,2})\s*(?:breaths per minute|breaths/min|breaths a minute)"
)
_BP = re.compile(
    r"(?:blood pressure|bp)\s*(?:of|is|was|at|:|=)?\s*(\d{2,3})\s*/\s*(\d{2,3})"
    r"|(?<![\d/])(\d{2,3})\s*/\s*(\d{2,3})\s*(?:mm ?hg|mmhg)"
)
_SPO2 = re.compile(
    r"(?:spo2|sp02|sao2|o2 sat(?:uration)?s?|oxygen sat(?:uration)?s?(?: level)?|sats?|pulse ox"
    r"(?:imetry)?|saturating|saturation)\s*(?:of|is|was|at|:|=)?\s*(\d{2,3})\s*%?"
    r"|(?<![\d.])(\d{2,3})\s*%\s*(?:on room air|on ra|oxygen|o2|sat)"
)


def _number_value(raw: str) -> float:
    raw = raw.strip()
    return float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)


def _unit_days(unit: str) -> float:
    unit = unit.rstrip("s")
    unit = {"min": "minute", "hr": "hour", "wk": "week", "yr": "year"}.get(unit, unit)
    return _UNIT_DAYS[unit]


def read_age(text: str) -> float | None:
    """The age the text gives, in years ("a 12-year-old girl", "6-week-old", "aged 58")."""
    normal = normalise(text)
    match = _AGE_OLD.search(normal)
    if match:
        return round(_number_value(match.group(1)) * _unit_days(match.group(2)) / 365, 3)
    match = _AGE_OTHER.search(normal)
    if match:
        value = next(g for g in match.groups() if g)
        age = float(value)
        return age if age <= 120 else None
    if re.search(r"(?<![a-z])(?:newborn|neonate)(?![a-z])", normal):
        return 0.05
    if re.search(r"(?<![a-z])(?:baby|infant)(?![a-z])", normal):
        return 0.5
    if re.search(r"(?<![a-z])toddler(?![a-z])", normal):
        return 2.0
    return None


def read_sex(text: str) -> str:
    normal = normalise(text)
    female = len(_SEX_FEMALE.findall(normal))
    male = len(_SEX_MALE.findall(normal))
    if female > male:
        return "female"
    if male > female:
        return "male"
    return ""


# Sentences whose times are about something else (habits, treatments, earlier episodes).
_NOT_SYMPTOM_TIME = re.compile(
    r"smok|pack|cigarette|married|worked|drinks|alcohol|taking|prescribed|previous|prior|similar"
    r"|episodes|on (?:\w+ )?(?:for|since)|diagnosed"
)


def read_duration(text: str) -> float | None:
    """How long the symptoms have lasted, in days (the longest stated), or None."""
    normal = normalise(text)
    found = []
    for sentence in re.split(r"[.;,]| and ", normal):
        if re.search(_NOT_SYMPTOM_TIME, sentence):
            continue
        for match in _DURATION.finditer(sentence):
            found.append(_number_value(match.group(1)) * _unit_days(match.group(2)))
        if re.search(r"(?<![a-z])(?:since )?yesterday(?![a-z])", sentence):
            found.append(1.0)
        if re.search(r"(?<![a-z])(?:this morning|today|tonight|last night)(?![a-z])", sentence):
            found.append(0.5)
    return max(found) if found else None


def read_vitals(text: str) -> dict[str, float]:
    """Vital signs stated in the text, temperature in °C."""
    normal = normalise(text)
    vitals: dict[str, float] = {}
    for match in _TEMPERATURE.finditer(normal):
        value = float(match.group(1) or match.group(3))
        unit = (match.group(2) or match.group(4) or "")[:1]
        if unit == "f" or (not unit and value > 50):
            value = (value - 32) * 5 / 9
        if 30 <= value <= 45:
            vitals.setdefault("temperature", round(value, 1))
    for name, pattern in (("heart_rate", _HEART_RATE), ("resp_rate", _RESP_RATE)):
        for match in pattern.finditer(normal):
            value = float(next(g for g in match.groups() if g))
            if 4 <= value <= 300:
                vitals.setdefault(name, value)
                break
    for match in _BP.finditer(normal):
        systolic, diastolic = (float(g) for g in match.groups() if g)
        if 40 <= systolic <= 300 and 20 <= diastolic <= 200:
            vitals.setdefault("systolic", systolic)
            vitals.setdefault("diastolic", diastolic)
            break
    for match in _SPO2.finditer(normal):
        value = float(next(g for g in match.groups() if g))
        if 40 <= value <= 100:
            vitals.setdefault("spo2", value)
            break
    return vitals


def _read_severity(prepared: Prepared) -> int | None:
    scores = [int(m.group(1)) for m in _SEVERITY_NUMBER.finditer(prepared.text)]
    scores = [s for s in scores if 0 <= s <= 10]
    for pattern, score in _SEVERITY_WORDS:
        if present(pattern, prepared):
            scores.append(score)
    return max(scores) if scores else None


def _read_onset(prepared: Prepared) -> str:
    if present(_SUDDEN, prepared):
        return "sudden"
    if present(_GRADUAL, prepared):
        return "gradual"
    return ""


@dataclass
class Case:
    """What is known about the person and the symptoms, from answers or from text."""

    age: float | None = None
    sex: str = ""
    pregnancy: str = ""
    severity: int | None = None
    duration: float | None = None  # days
    onset: str = ""
    vitals: dict[str, float] = field(default_factory=dict)

    def findings(self) -> dict:
        found = {
            "age": self.age,
            "sex": self.sex,
            "pregnancy": self.pregnancy,
            "severity": self.severity,
            "duration_days": self.duration,
            "onset": self.onset,
        }
        found = {k: v for k, v in found.items() if v not in (None, "")}
        if self.vitals:
            found["vitals"] = dict(self.vitals)
        return found


def read_case(
    text: str,
    *,
    age: float | None = None,
    sex: str | None = None,
    pregnancy: str | None = None,
) -> Case:
    """The facts the text states; the text's own age and sex win over the caller's (the
    person typing may describe someone else: "my 6 week old baby")."""
    prepared = prepare(text)
    stated_age = read_age(text)
    stated_sex = read_sex(text)
    pregnant = present(_PREGNANT, prepared)
    return Case(
        age=stated_age if stated_age is not None else age,
        sex=stated_sex or (sex or ""),
        pregnancy="pregnant" if pregnant else (pregnancy or ""),
        severity=_read_severity(prepared),
        duration=read_duration(text),
        onset=_read_onset(prepared),
        vitals=read_vitals(text),
    )
