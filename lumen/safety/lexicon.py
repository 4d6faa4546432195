"""Lumen's one lay-language lexicon: the medicine vocabulary and the one normaliser.

The question screen, the red-flag knowledge base's lay patterns and the findings reader all
match against `normalise(text)`: lowercase words and numbers separated by single spaces,
curly apostrophes and contractions resolved ("can't" -> "cant", "im" -> "i am"), multi-word
medicine names folded to one token, and common misspellings of the words the rules depend on
fixed (TYPOS, plus generated one-slip variants of KEYWORDS and medicine names), so "cant
breath", "I'm suicidle" and "perscription" match. `DRUG_PATTERNS` gives `<DRUG>` and
`<CONTROLLED>`, the medicine lists as compact regex alternations, for patterns to name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ---------------------------------------------------------------------------------------------
# Medicines
# ---------------------------------------------------------------------------------------------

# Sold without a prescription at label strength in both the US and the UK; the label's own
# directions (dose, interval, daily maximum) are public and may be answered. Medicines that are
# OTC in one form and prescription-only in another (hydrocortisone cream vs tablets) are in
# neither list, so a dosing question about them is neither refused nor assumed safe by name.
OTC_DRUGS = frozenset(
    """
    acetaminophen paracetamol tylenol panadol calpol ibuprofen advil motrin nurofen naproxen
    aleve aspirin cetirizine zyrtec loratadine claritin fexofenadine allegra diphenhydramine
    benadryl chlorphenamine chlorpheniramine piriton doxylamine unisom famotidine pepcid
    omeprazole prilosec esomeprazole nexium lansoprazole loperamide imodium bismuth pepto
    simethicone docusate senna senokot bisacodyl dulcolax macrogol miralax guaifenesin mucinex
    dextromethorphan robitussin pseudoephedrine sudafed phenylephrine oxymetazoline nicotine
    nicorette clotrimazole canesten miconazole terbinafine lamisil naloxone narcan minoxidil
    gaviscon rennie tums
    """.split()
)

# Controlled drugs (US schedules II-V, UK classes A-C) and street drugs: obtaining these
# outside a prescription is refused and reviewed.
CONTROLLED_DRUGS = frozenset(
    """
    oxycodone oxycontin percocet roxicodone hydrocodone vicodin norco morphine codeine fentanyl
    tramadol ultram methadone buprenorphine suboxone subutex hydromorphone dilaudid oxymorphone
    tapentadol nucynta pethidine meperidine demerol diamorphine alprazolam xanax diazepam valium
    lorazepam ativan clonazepam klonopin temazepam chlordiazepoxide midazolam zolpidem ambien
    zopiclone eszopiclone lunesta amphetamine adderall dextroamphetamine dexedrine
    lisdexamfetamine vyvanse elvanse methylphenidate ritalin concerta focalin modafinil provigil
    armodafinil pregabalin lyrica gabapentin phenobarbital butalbital carisoprodol soma
    testosterone nandrolone ketamine esketamine heroin cocaine methamphetamine meth mdma
    ecstasy lsd ghb oxys percs xans addys roxys opioids opiates benzos benzodiazepines
    """.split()
)

# Prescription-only medicines (a common subset by generic and brand name, and drug classes
# that are prescription-only): their doses are a prescriber's decision.
PRESCRIPTION_DRUGS = CONTROLLED_DRUGS | frozenset(
    """
    warfarin coumadin apixaban eliquis rivaroxaban xarelto dabigatran edoxaban clopidogrel
    plavix heparin enoxaparin insulin lantus novorapid humalog metformin glucophage glipizide
    gliclazide glimepiride sitagliptin januvia semaglutide ozempic wegovy rybelsus tirzepatide
    mounjaro liraglutide victoza saxenda empagliflozin jardiance dapagliflozin farxiga
    lisinopril ramipril enalapril perindopril losartan valsartan candesartan amlodipine
    nifedipine diltiazem verapamil metoprolol atenolol bisoprolol propranolol carvedilol digoxin
    amiodarone furosemide bumetanide hydrochlorothiazide indapamide spironolactone atorvastatin
    simvastatin rosuvastatin pravastatin lipitor crestor zocor nitroglycerin sertraline zoloft
    fluoxetine prozac citalopram escitalopram lexapro paroxetine venlafaxine duloxetine
    cymbalta bupropion wellbutrin mirtazapine amitriptyline nortriptyline trazodone lithium
    quetiapine seroquel olanzapine risperidone aripiprazole abilify clozapine haloperidol
    lamotrigine valproate depakote carbamazepine levetiracetam keppra phenytoin topiramate
    amoxicillin augmentin azithromycin doxycycline ciprofloxacin cephalexin cefalexin
    clindamycin metronidazole nitrofurantoin penicillin trimethoprim clarithromycin
    levofloxacin prednisone prednisolone dexamethasone methylprednisolone levothyroxine
    synthroid methotrexate allopurinol colchicine sildenafil viagra tadalafil cialis
    finasteride tamsulosin montelukast albuterol salbutamol ventolin isotretinoin accutane
    baclofen cyclobenzaprine tizanidine ondansetron hydroxychloroquine valacyclovir
    oseltamivir tamiflu estradiol medroxyprogesterone naltrexone tacrolimus ciclosporin
    cyclosporine azathioprine mycophenolate adalimumab humira etanercept infliximab
    antibiotics antibiotic antidepressants antidepressant antipsychotics antipsychotic
    anticoagulants anticoagulant chemotherapy chemo
    """.split()
)

# Multi-word medicine names, mapped to the single token used in the lists above.
DRUG_PHRASES = {
    "blood thinner": "anticoagulant",
    "blood thinners": "anticoagulants",
    "sleeping pills": "zolpidem",
    "co codamol": "codeine",
    "cough syrup with codeine": "codeine",
    "pain pills": "opioids",
}

# ---------------------------------------------------------------------------------------------
# Spelling
# ---------------------------------------------------------------------------------------------

# Misspellings one slip can't explain (sound-alikes, swapped vowels), seen in real queries.
TYPOS = {
    "xanex": "xanax", "zanax": "xanax", "zanex": "xanax", "xannax": "xanax",
    "aderall": "adderall", "adderal": "adderall", "aderal": "adderall", "adderol": "adderall",
    "aderol": "adderall", "oxycotin": "oxycontin", "oxicodone": "oxycodone",
    "oxycodine": "oxycodone", "percoset": "percocet", "vicoden": "vicodin",
    "perscription": "prescription", "perscriptions": "prescription",
    "presciption": "prescription", "priscription": "prescription", "prescripton": "prescription",
    "ibuprophen": "ibuprofen", "ibuprofin": "ibuprofen", "iboprofen": "ibuprofen",
    "ibruprofen": "ibuprofen", "ibuprofine": "ibuprofen", "acetominophen": "acetaminophen",
    "acetaminophin": "acetaminophen", "acetaminaphen": "acetaminophen",
    "paracetemol": "paracetamol", "paracetomol": "paracetamol", "paracetamole": "paracetamol",
    "warferin": "warfarin", "metforman": "metformin", "metphormin": "metformin",
    "insulen": "insulin", "siezure": "seizure", "siezures": "seizure", "sezure": "seizure",
    "seizur": "seizure", "anaphalaxis": "anaphylaxis", "anaphylaxsis": "anaphylaxis",
    "anafylaxis": "anaphylaxis", "unconcious": "unconscious", "unconsious": "unconscious",
    "sucide": "suicide", "suiside": "suicide", "suicde": "suicide", "suicidle": "suicidal",
    "sucidal": "suicidal", "suisidal": "suicidal", "overdoes": "overdose",
    "breth": "breathe", "brething": "breathing", "breathign": "breathing", "cheast": "chest",
    "chesst": "chest", "pregant": "pregnant", "pregnet": "pregnant", "tumer": "tumor",
    "cancor": "cancer", "diagnoise": "diagnose", "meningitus": "meningitis",
    "diabetis": "diabetes", "numbess": "numbness", "dizy": "dizzy",
    "bleading": "bleeding", "bleedin": "bleeding", "vomitting": "vomiting",
    "stiffneck": "stiff neck", "chestpain": "chest pain", "selfharm": "self harm",
    "killmyself": "kill myself",
}  # fmt: skip

# Words the rules depend on; every one-slip variant (a letter dropped, doubled or swapped with
# its neighbour) of these is read as the word. Substituted letters only for medicine names,
# where a real-word collision is unlikely ("bleeding" -> "breeding" would not be).
KEYWORDS = frozenset(
    """
    suicide suicidal overdose seizure seizures seizing convulsion convulsing unconscious
    unresponsive anaphylaxis anaphylactic breathing swelling swollen drooping slurred numbness
    confused confusion vomiting headache meningitis prescription diagnose diagnosis tumour
    pregnant pregnancy stomach abdominal crushing radiating sweating shortness tightness
    gasping choking bleeding pressure poisoned unconcious epilepsy allergic allergy weight
    diarrhoea
    """.split()
)
# Real words that a generated variant must never overwrite.
_REAL_WORDS = frozenset("breath cooking coking dose doses seize sizing tighness".split())


def _alternation(words: Iterable[str]) -> str:
    """A compact regex alternation for a word list (a prefix trie, so the engine doesn't try
    hundreds of alternatives at every position)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return "(?:" + build(trie) + ")"


DRUG_PATTERNS = {
    "<DRUG>": _alternation(OTC_DRUGS | PRESCRIPTION_DRUGS),
    "<CONTROLLED>": _alternation(CONTROLLED_DRUGS),
}

# ---------------------------------------------------------------------------------------------
# Normalising text
# ---------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_CONTRACTIONS = (
    (re.compile(r"\b(we|they|you)'re\b"), r"\1 are"),
    (re.compile(r"\b(he|she|it)'s\b"), r"\1 is"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(i|we|you|they)'ve\b"), r"\1 have"),
    (re.compile(r"\bi'll\b"), "i will"),
    (re.compile(r"\bi'd\b"), "i would"),
    (re.compile(r"'"), ""),
)
_WORD_MAP = {
    "im": "i am", "ive": "i have", "cannot": "cant", "u": "you", "ur": "your",
    "hes": "he is", "shes": "she is", "theyre": "they are", "youre": "you are",
    "wanna": "want to", "gonna": "going to", "gotta": "got to", "pls": "please", "plz": "please",
}  # fmt: skip
_PHRASES = (
    (re.compile(r"\b(?:can not|unable to)\b"), "cant"),
    (re.compile(r"\bcould not\b"), "couldnt"),
    (re.compile(r"\bdo not\b"), "dont"),
    (re.compile(r"\bdoes not\b"), "doesnt"),
    (re.compile(r"\bis not\b"), "isnt"),
    (re.compile(r"\bwill not\b"), "wont"),
    (re.compile(r"\bhave not\b"), "havent"),
    (re.compile(r"\bhas not\b"), "hasnt"),
    (re.compile(r"\bi ve\b"), "i have"),
    (re.compile(r"\bi m\b"), "i am"),
    *((re.compile(rf"\b{re.escape(k)}\b"), v) for k, v in DRUG_PHRASES.items()),
)
TOKEN = re.compile(r"[a-z]+|\d+")


def _one_slip(word: str, *, substitute: bool) -> set[str]:
    variants = {word[:i] + word[i + 1 :] for i in range(len(word))}  # dropped
    variants |= {word[:i] + word[i] + word[i:] for i in range(len(word))}  # doubled
    variants |= {
        word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)
    }  # swapped
    if substitute:
        letters = "abcdefghijklmnopqrstuvwxyz"
        variants |= {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters}
    return variants


def _spelling() -> dict[str, str]:
    known = KEYWORDS | OTC_DRUGS | PRESCRIPTION_DRUGS
    fixes: dict[str, str] = {}
    for word in sorted(known):
        if len(word) < 6:
            continue
        medicine = word in OTC_DRUGS or word in PRESCRIPTION_DRUGS
        for variant in _one_slip(word, substitute=medicine and len(word) >= 7):
            if variant not in known and variant not in _REAL_WORDS:
                fixes.setdefault(variant, word)
    fixes.update(TYPOS)
    return fixes


_SPELLING = _spelling()


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces, contractions and known misspellings fixed:
    the form every screening rule is written against."""
    text = text.lower().translate(_QUOTES)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    words = []
    for token in TOKEN.findall(text):
        token = _SPELLING.get(token, token)
        words.append(_WORD_MAP.get(token, token))
    text = " ".join(words)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text
