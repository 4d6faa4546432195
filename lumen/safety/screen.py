"""The safety layer every question and every answer passes through.

`screen(question)` runs before retrieval, `review(answer)` before anything is shown, and
`strip_instructions(passage)` before a retrieved passage reaches a prompt or an extractive
answer. All three are plain rules over text: no database, no network, no model, well under a
millisecond per question.

This is a screen, not a diagnosis. It decides what Lumen must say first and what it must not
say; it never decides what someone has.

Escalation first. A question that reads like an emergency happening now (chest pain with
cardiac features, stroke signs, anaphylaxis, overdose ...) or like a personal crisis (thoughts
of suicide, self-harm, harming others) gets the emergency numbers or crisis lines before
anything else, is flagged for staff review, and is not answered: an answer would only delay
the call. Refusals (prescription dosing, obtaining controlled drugs, diagnosis) explain kindly
why and, where something informational remains, let it through.

Precision and recall. A missed emergency can cost a life; a false alarm costs one answer. So
the rules lean to recall for real presentations, but an educational question must still be
answered, or Lumen is useless for learning about the very conditions it should help people
recognise. The compromise, per emergency rule:

* a *sign* (face drooping, crushing chest pain, throat swelling ...) escalates when the
  question presents it: first person ("I", "my"), a third person now ("my dad is", "she
  can't"), or urgency ("right now", "help me");
* a red-flag *combination* of two or more signs escalates even without those cues, unless
  the question is plainly educational ("what are the signs of ...");
* a few phrases escalate on their own ("I think I'm having a heart attack");
* a sign that the question attributes to something else ("can ibuprofen cause breathing
  trouble") or places in the past ("a stroke two years ago") does not count as presented;
* an educational mention ("signs of a stroke", "what is sepsis") is answered, with a one-line
  reminder of the emergency numbers and no flags.

Prescription dosing is a prescriber's decision, so Lumen refuses to give or change a dose of a
prescription medicine. Label directions of over-the-counter medicines (OTC_DRUGS) are public,
printed on the pack, and answered. The pharma audience (QA and regulatory staff) gets the same
emergency and crisis screening and prescription-fraud refusal, but no dosing, diagnosis or
obtaining refusals: their questions about doses and controlled substances are regulatory.

Text is normalised before matching: case, curly apostrophes, contractions ("can't", "im"),
punctuation, and common misspellings of the words the rules depend on (TYPOS, plus generated
one-slip variants of KEYWORDS), so "cant breath", "I'm suicidle" and "perscription" match.

Rule patterns are regular expressions over that normalised text (lowercase words separated by
single spaces), with two shorthands: `~` is "up to four words in between" (`~2`: up to two)
and `<DRUG>`, `<CONTROLLED>`, `<CONDITION>` stand for the name lists below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lumen.safety.messages import (
    CRISIS_MESSAGE,
    CRISIS_REMINDER,
    DIAGNOSIS_MESSAGE,
    DOSING_INFO_LINE,
    DOSING_MESSAGE,
    EMERGENCY_MESSAGE,
    EMERGENCY_NUMBERS,
    EMERGENCY_REMINDER,
    HARM_TO_OTHERS_LINE,
    OBTAIN_MESSAGE,
    POISON_CONTROL,
)

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
    gasping choking bleeding pressure poisoned unconcious epilepsy allergic allergy
    """.split()
)
# Real words that a generated variant must never overwrite.
_REAL_WORDS = frozenset("breath cooking coking dose doses seize sizing tighness".split())

# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

# Reused fragments.
FEVER = (
    r"fever\w*|febrile|feverish|high temp\w*|burning up|(?:very |really )?hot to (?:the )?touch"
    r"|feels? (?:very |really |so )?hot"
    r"|temp(?:erature)? (?:of |is |was |at )?(?:3[89]|4[0-2]|10[0-6])"
    r"|(?:3[89]|4[0-2]|10[0-6]) (?:\d )?(?:degrees?|c|f|celsius|fahrenheit|deg)"
)
FAINT = r"faint\w*|dizz\w*|light ?headed|pass\w* out|black\w* out|collaps\w*"
CHILD = (
    r"child\w*|toddler|baby|babies|kid|kids|son|daughter|grandson|granddaughter|grandchild\w*"
    r"|infant|little one|\d+ (?:year|yr|month) old"
)
MEDICINE = (
    r"pills?|tablets?|capsules?|caps|tabs|meds|medic\w*|drugs?|doses?|insulin|vitamins?|iron"
    r"|gummies|supplements?|painkillers?|<DRUG>"
)


@dataclass(frozen=True)
class EmergencyRule:
    """An emergency presentation: named signs, the combinations of them that make a red flag,
    phrases that escalate on their own, and the topic words of an educational mention."""

    reason: str
    advice: str
    signs: dict[str, str]
    fires: tuple[frozenset[str], ...]
    urgent: str = ""  # escalates on its own, whatever the framing
    topic: str = ""  # an educational mention: answered, with the reminder
    poison: bool = False  # the message adds poison control


def _fires(*combinations: str) -> tuple[frozenset[str], ...]:
    """`"a+b", "c"` -> ({a, b}, {c}): each combination of sign names raises the red flag."""
    return tuple(frozenset(c.split("+")) for c in combinations)


EMERGENCY_RULES: tuple[EmergencyRule, ...] = (
    EmergencyRule(
        reason="chest_pain_cardiac",
        advice=(
            "Chest pain with pressure or tightness, pain spreading to the arm, jaw or back, "
            "sweating, breathlessness or nausea can be a heart attack. Stop, sit down and rest "
            "while you wait."
        ),
        signs={
            "chest": (
                r"chest ~2 (?:pain\w*|pressure|tight\w*|heavy|heaviness|hurt\w*|ache\w*|aching"
                r"|discomfort|squeez\w*|crush\w*)|(?:pain\w*|pressure|tight\w*|heaviness|ache"
                r"|discomfort|crush\w*|squeez\w*) (?:in|on|across|around|behind) (?:my |the "
                r"|his |her |their )?chest"
            ),
            "pressing": r"crush\w*|pressure|squeez\w*|tight\w*|heavy|heaviness|elephant",
            "spreading": (
                r"(?:spread\w*|radiat\w*|going|goes|moving|moves|shoot\w*|travel\w*|down|into"
                r"|up) ~3 (?:arm|arms|jaw|neck|back|shoulder\w*)|(?:left|right) arm|jaw pain"
                r"|pain in (?:my |his |her |the )?(?:left )?(?:arm|jaw)"
            ),
            "sweating": r"sweat\w*|clammy|diaphore\w*",
            "breathless": (
                r"short\w* (?:of )?breath\w*|breathless\w*|out of breath|dyspn\w*"
                r"|cant (?:breathe|catch)|(?:struggling|hard) to breathe"
                r"|(?:trouble|difficulty) breathing"
            ),
            "nausea": r"nause\w*|vomit\w*|throwing up|threw up|feel\w* sick|being sick|queasy",
            "faint": FAINT,
        },
        fires=_fires(
            "chest+pressing",
            "chest+spreading",
            "chest+sweating",
            "chest+breathless",
            "chest+nausea",
            "chest+faint",
        ),
        urgent=(
            r"(?:am|is|are|might be|may be|could be) having (?:a )?heart attack"
            r"|am i having (?:a )?heart attack"
            # Chest pain here and now, without other features; not when it comes with a cough.
            r"|(?:i (?:have|am having|have got|got) (?:a |really |very |sudden |severe |bad "
            r"|terrible |sharp |strong )*chest pains?|(?:my|his|her) chest (?:really )?(?:hurts"
            r"|is hurting|is killing)|chest pains? (?:right )?now)(?! (?:\S+ ){0,3}cough)"
        ),
        topic=r"heart attacks?|myocardial infarction|cardiac arrest|angina",
    ),
    EmergencyRule(
        reason="stroke_signs",
        advice=(
            "Face drooping, weakness or numbness on one side, slurred speech, sudden confusion, "
            "a sudden severe headache or sudden loss of vision can be a stroke. Note the time "
            "it started: every minute counts."
        ),
        signs={
            "face": (
                r"(?:face|facial|mouth|smile|lip|lips|eyelid) ~2 (?:droop\w*|drop\w*|sag\w*"
                r"|lopsided|uneven|crooked|numb\w*|paraly\w*|fallen|slack)"
                r"|(?:droop\w*|lopsided|crooked) (?:face|smile|mouth)"
                r"|one side of (?:my |his |her |their |the )?face"
            ),
            # One-sided or sudden: an arm that is numb after sleeping on it is not a stroke.
            "limb": (
                r"(?:sudden\w*|one|left|right) ~3 (?:arm|leg|hand|side|body) ~2 (?:weak\w*"
                r"|numb\w*|paraly\w*|dead|gave way|limp|heavy)|(?:arm|leg|hand) ~2 (?:weak\w*"
                r"|numb\w*|paraly\w*|limp) ~3 sudden\w*|(?:weak\w*|numb\w*|paraly\w*|limp) ~2 "
                r"(?:(?:one|the left|the right|my left|my right|his left|his right|her left"
                r"|her right|left|right) (?:arm|leg|hand|side)|side of (?:my |his |her |their "
                r"|the )?body)|cant (?:lift|move|raise|feel|use) (?:my |his |her |their |the "
                r"|one )?(?:left |right )?(?:arm|leg|hand|side)\b|one sided weakness|hemipar\w*"
            ),
            "speech": (
                r"slur\w*|garbled|(?:suddenly )?(?:cant|couldnt) (?:speak|talk) (?:properly"
                r"|clearly|right|normally)|suddenly (?:cant|couldnt) (?:speak|talk)"
                r"|(?:cant|couldnt|trouble|struggling to) (?:get (?:my |the |his |her )?words "
                r"out|find (?:the |my )?words)|(?:speech|words|talking) ~2 (?:strange|jumbled"
                r"|garbled|gibberish|nonsense|not making sense)|aphasi\w*|dysarthri\w*"
            ),
            "confusion": (
                r"(?:sudden\w*|all of a sudden|out of nowhere) ~3 (?:confus\w*|disorient\w*)"
                r"|(?:confus\w*|disorient\w*) ~3 (?:sudden\w*|out of nowhere)"
            ),
            "headache": (
                r"worst headache|thunderclap|(?:sudden\w*|explosive) ~2 (?:headache|head pain)"
                r"|(?:severe|excruciating|intense|terrible) headache ~2 (?:sudden\w*"
                r"|out of nowhere|came on)"
            ),
            "vision": (
                r"(?:sudden\w*|all of a sudden) ~3 (?:vision|sight|blind\w*|double vision"
                r"|cant see)|(?:lost|loss of|losing) (?:the )?(?:vision|sight)"
                r"|(?:went|gone|going) blind|blind in one eye"
                r"|cant see out of (?:my |his |her |one )?(?:left |right )?eye"
            ),
            "balance": r"sudden\w* ~3 (?:dizz\w*|balance|unsteady|cant walk|coordination)",
        },
        fires=_fires("face", "limb", "speech", "confusion", "headache", "vision", "balance"),
        urgent=r"(?:am|is|are|might be|may be|could be) having (?:a |another )?stroke"
        r"|am i having (?:a )?stroke",
        topic=r"strokes?|transient isch\w* attack|mini stroke|tia",
    ),
    EmergencyRule(
        reason="anaphylaxis",
        advice=(
            "Swelling of the throat, tongue or lips, or trouble breathing or swallowing after "
            "an allergen can be anaphylaxis. If an adrenaline (epinephrine) auto-injector such "
            "as an EpiPen has been prescribed, use it now, then call."
        ),
        signs={
            "swelling": (
                r"(?:throat|tongue|lip|lips|airway) ~3 (?:swell\w*|swollen|closing|close up"
                r"|tight\w*|puff\w*|blow\w* up)(?! glands| tonsils| lymph| nodes)"
                r"|(?:swell\w*|swollen|puffy) (?!glands|tonsils"
                r"|lymph)(?:\S+ ){0,2}(?:throat|tongue|lip|lips|airway)|angioedema"
            ),
            "airway": (
                r"(?:cant|couldnt|trouble|difficulty|struggling to|hard to) (?:breathe|breathing"
                r"|swallow\w*)|wheez\w*|stridor"
            ),
            "hives": r"hives|welts|urticaria|(?:rash|itch\w*|blotch\w*) all over",
            "trigger": (
                r"allerg\w*|(?:bee|wasp|hornet|insect) ?stings?|stung|peanut\w*|nuts?"
                r"|shellfish|prawns?|shrimp|after eating|new (?:medicine|medication|drug|pill"
                r"|antibiotic)|penicillin|amoxicillin|antibiotics?|latex"
            ),
            "named": r"anaphyla\w*|(?:severe|serious|bad|major) allergic reaction",
        },
        fires=_fires("swelling", "hives+airway", "trigger+airway", "named"),
        urgent=(
            r"(?:having|going into|is in|am in|in) (?:an? )?(?:anaphyla\w*|anaphylactic shock)"
            r"|(?:used|using|need to use|had to use|should i use|gave (?:him|her|them)) (?:my |his |her "
            r"|their |an |the )?(?:epi ?pen|auto ?injector|adrenaline|epinephrine)"
        ),
        topic=r"anaphyla\w*|allergic reactions?",
    ),
    EmergencyRule(
        reason="severe_bleeding",
        advice=(
            "Bleeding that won't stop, spurting blood, vomiting or coughing up blood, or black "
            "tarry stools with dizziness need emergency care. Press firmly on an external wound "
            "with a clean cloth and keep pressing."
        ),
        signs={
            "uncontrolled": (
                r"(?:wont|cant|doesnt|isnt|not|wouldnt|hasnt) (?:stop\w* )?(?:stop\w* )?"
                r"bleed\w*|bleed\w* ~3 (?:wont|doesnt|isnt|hasnt|that wont) (?:stop|slow\w*)"
                r"|bleed\w* (?:heavily|badly|profusely|a lot|everywhere|non stop|nonstop)"
                r"|(?:spurt\w*|pump\w*|gush\w*|pour\w*) (?:out )?blood|blood (?:is )?(?:spurt\w*"
                r"|pump\w*|gush\w*|pour\w*|everywhere)|(?:lots|so much|a lot) of blood"
                r"|soak\w* through|(?:severe|massive|uncontrolled|major) (?:bleed\w*"
                r"|blood loss)|haemorrhag\w*|hemorrhag\w*"
            ),
            "gut_or_lung": (
                r"(?:vomit\w*|throw\w* up|threw up|puk\w*|cough\w* up|coughing|spit\w* up) ~2 "
                r"blood|blood in (?:my |his |her |their |the )?(?:vomit|sick)|coffee grounds?"
                r"|haematemesis|hematemesis|haemoptysis|hemoptysis"
            ),
            "melaena": (
                r"(?:black|tarry|tar like|tar) ~2 (?:stool\w*|poo\w*|bowel movements?|faeces"
                r"|feces|motions?)|(?:stool\w*|poo\w*|bowel movements?) ~2 (?:black|tarry|like tar)"
                r"|mela?ena"
            ),
            "faint": FAINT,
        },
        fires=_fires("uncontrolled", "gut_or_lung", "melaena+faint"),
        topic=r"internal bleeding",
    ),
    EmergencyRule(
        reason="breathing_difficulty",
        advice=(
            "Severe difficulty breathing, gasping, choking or blue or grey lips need emergency "
            "care. Sit upright, loosen tight clothing, and use a reliever inhaler if one is "
            "prescribed."
        ),
        signs={
            "cant_breathe": (
                r"cant (?:breathe|breath|get (?:enough )?air|catch (?:my |his |her |their )?"
                r"breath)|(?:struggl\w*|fight\w*|gasp\w*) (?:to |for )?(?:breathe|breath|air)"
                r"|(?:trouble|difficulty|difficult|hard|problems?) (?:to )?(?:breathe|breathing)"
                r"|breathing ~2 (?:difficult\w*|hard|laboured|labored)|gasping|suffocat\w*"
                r"|(?:severe|bad|serious) asthma attack|(?:inhaler|puffer) (?:isnt|is not|not"
                r"|doesnt) (?:working|helping)"
            ),
            "choking": (
                r"chok\w*(?! hazard| on (?:my |the |their )?(?:pills?|tablets?|capsules?))"
                r"|something (?:stuck|lodged) in (?:my |his |her |their )?(?:throat|windpipe"
                r"|airway)"
            ),
            "blue": (
                r"(?:lips?|face|skin|fingers?|fingernails|nails|tongue) ~2 (?:blue|bluish|grey"
                r"|gray|purple)|(?:turn\w*|going|gone|went) (?:blue|grey|gray)|cyano\w*"
            ),
        },
        fires=_fires("cant_breathe", "choking", "blue"),
        topic=r"asthma attacks?|choking",
    ),
    EmergencyRule(
        reason="overdose_poisoning",
        advice="Too much of a medicine, or swallowing a poison, can be dangerous even if they "
        "seem well at first.",
        signs={
            "took_overdose": (
                r"(?:took|taken|had|take|taking|done|did) (?:an? )?(?:overdose|od)|overdosed"
                r"|overdosing"
            ),
            "named_overdose": (
                r"(?:suspected|possible|accidental|deliberate|intentional|staggered|<DRUG>) "
                r"overdose"
            ),
            "too_much": (
                r"(?:took|taken|swallowed|ate|eaten|had|chewed|used|injected|given|gave) "
                r"(?:\S+ ){0,5}?(?:too (?:many|much)|a handful|handful|(?:a |the )?(?:whole"
                r"|entire|full) (?:bottle|pack\w*|box|strip|blister|sheet|tub|jar)|(?:a|an|one)"
                r" (?:bottle|pack|packet|box) of|double (?:the |my |a |his |her )?dose|(?:twice"
                r"|two times|three times) (?:the|my|his|her) dose|more than (?:the )?(?:recommended"
                r"|prescribed|maximum|max|label)|(?:[1-9]\d|twenty|thirty|forty|fifty) (?:pills"
                r"|tablets|capsules|caps|tabs|<DRUG>))"
            ),
            "medicine": MEDICINE,
            "toxic": (
                r"bleach|detergent|laundry (?:pod|capsule|tablet)s?|(?:tide|washing) pods?"
                r"|dishwasher (?:tablet|pod)s?|antifreeze|drain cleaner|oven cleaner"
                r"|batter(?:y|ies)|rat poison|weed ?killer|pesticides?|insecticides?"
                r"|poison(?:ed|ous)?(?! ivy| oak)|paraffin|kerosene|lamp oil|petrol|gasoline"
                r"|white spirit|methanol|(?:wind)?screen ?wash|washer fluid|(?:wild|poisonous) mushrooms?"
                r"|e ?liquid|vape (?:liquid|juice)|hand sanit\w*|essential oils?|lye|caustic"
                r"|ammonia|chlorine|cleaning (?:product|fluid|spray|liquid)s?|carbon monoxide"
            ),
            "ingested": (
                r"swallow\w*|drank|drunk|drink\w*|ate|eaten|eat\w*|chew\w*|ingest\w*|got into"
                r"|sucked|licked|inhaled|sniffed|breathed in"
            ),
            "child": CHILD,
        },
        fires=_fires(
            "took_overdose",
            "named_overdose",
            "too_much+medicine",
            "toxic+ingested",
            "child+ingested+medicine",
        ),
        urgent=r"(?:i am|he is|she is|they are|i have been|i was|i think i was) poisoned",
        topic=r"overdos\w*|(?<!food )poisoning",
        poison=True,
    ),
    EmergencyRule(
        reason="seizure",
        advice=(
            "A seizure lasting more than 5 minutes, repeated seizures, or a first seizure need "
            "emergency care. Don't hold them down or put anything in their mouth; move hard "
            "objects away and time it."
        ),
        signs={
            "seizing": (
                r"(?:is|are|am|keeps?|still|started|been|currently) (?:\S+ )?(?:seizing"
                r"|convulsing|fitting|having (?:a |another )?(?:seizure|fit|convulsion)s?)"
                r"|(?:having|had) (?:a |another |his |her |their |my )?(?:first )?(?:seizure"
                r"|convulsion)s?|(?:shaking|jerking|twitching) (?:all over|uncontrollabl\w*)"
            ),
            "long": (
                r"(?:seizure|fit|convulsion|seizing|fitting|shaking)\w* ~4 (?:(?:more|longer) "
                r"than|over|for|past|nearly|almost|about) (?:[5-9]|[1-9]\d|five|six|seven|eight"
                r"|nine|ten|fifteen|twenty) min\w*|back to back (?:seizure|fit)s"
                r"|one (?:seizure|fit) after (?:another|the other)|status epilepticus"
                r"|(?:seizure|fit|convulsion)s? (?:wont|isnt|doesnt|hasnt) stop\w*"
            ),
            "first": (
                r"first (?:ever )?(?:seizure|fit|convulsion)|never (?:had|have had) (?:a )?"
                r"(?:seizure|fit|convulsion)s? before"
            ),
        },
        fires=_fires("seizing", "long", "first"),
        topic=r"seizures?|convulsions?|epilep\w*",
    ),
    EmergencyRule(
        reason="unresponsive",
        advice=(
            "Someone who is unconscious, won't wake or isn't breathing normally needs help now. "
            "If they aren't breathing normally, start CPR if you can; the call handler will "
            "guide you."
        ),
        signs={
            "unresponsive": (
                r"unresponsive|unconscious|not responding|(?:isnt|wont|doesnt) respond\w* "
                r"(?:to (?:me|us|anything|his name|her name|their name|touch|shaking|my voice"
                r"|pain)|at all)|wont wake\w*|isnt waking|cant wake (?:him|her|them|my \w+|\w+) "
                r"up|wont come (?:round|to)|(?:passed|blacked|knocked) out and (?:\S+ ){0,2}"
                r"(?:not|isnt|wont|cant|hasnt)|(?:isnt|is not|not|stopped) breathing(?! through"
                r"| out of)|no pulse|cardiac arrest|(?:collapsed|keeled over)(?! lung| vein"
                r"| disc| arch)"
            ),
        },
        fires=_fires("unresponsive"),
        topic=r"cpr|recovery position|unconscious\w*",
    ),
    EmergencyRule(
        reason="severe_burn",
        advice=(
            "Large, deep, chemical or electrical burns, and burns to the face, eyes or airway, "
            "need emergency care. Cool the burn under cool running water for 20 minutes; don't "
            "use ice, creams or butter."
        ),
        signs={
            "burn": (
                r"(?:severe|serious|bad|deep|big|large|huge|major|third degree|3rd degree"
                r"|full thickness|chemical|electrical|acid) (?:\S+ ){0,2}(?:burn|burns|burned"
                r"|burnt)|(?:burn|burns|burned|burnt) ~3 (?:face|eyes?|airway|throat|genitals"
                r"|all over|white|leathery|charred|skin (?:came|peel\w*|fell) off)"
                r"|(?:caught|on) fire|electrocut\w*|electric shock|smoke inhalation"
                r"|(?:acid|lye|caustic|bleach|chemical\w*) (?:\S+ ){0,3}(?:in|on) (?:my |his "
                r"|her |their )?(?:eye|eyes|face)"
            ),
        },
        fires=_fires("burn"),
        topic=r"(?:third degree|severe|chemical|electrical) burns?",
    ),
    EmergencyRule(
        reason="head_injury",
        advice=(
            "Vomiting, confusion, drowsiness, a seizure or any loss of consciousness after a "
            "head injury need emergency assessment."
        ),
        signs={
            "head": (
                r"(?:hit|hits|bang\w*|bump\w*|smack\w*|knock\w*|struck|hurt|injur\w*|fell|fall\w*"
                r"|landed|cracked) (?:\S+ ){0,3}head|head (?:injur\w*|trauma|wound|knock|bump)"
                r"|concussion\w*"
            ),
            "red_flag": (
                r"vomit\w*|throw\w* up|threw up|being sick|been sick|confus\w*|disorient\w*"
                r"|(?:lost|loss of|losing) consciousness|knocked (?:out|unconscious)|pass\w* out"
                r"|black\w* out|unconscious|drows\w*|(?:cant|hard to|trouble) (?:stay\w* awake"
                r"|wak\w*)|seizure|fit|convuls\w*|clear fluid|(?:bleed\w*|blood) (?:from|out of)"
                r" (?:\S+ ){0,2}(?:ear|ears|nose)|pupils?|slurr\w*|memory loss|(?:cant|doesnt"
                r"|dont) remember|amnesia|(?:worst|severe|worsening) headache|double vision"
            ),
        },
        fires=_fires("head+red_flag"),
        topic=r"concussions?|head injur\w*",
    ),
    EmergencyRule(
        reason="meningitis_signs",
        advice=(
            "Fever with a stiff neck, dislike of bright light, or a rash that doesn't fade when "
            "you press a glass on it can be meningitis or sepsis."
        ),
        signs={
            "fever": FEVER,
            "stiff_neck": (
                r"stiff\w* neck|neck (?:is |feels )?(?:stiff\w*|rigid)|(?:cant|unable to|hard "
                r"to|hurts to) (?:bend|move|touch|put) (?:\S+ ){0,2}(?:neck|chin (?:to|on) "
                r"(?:\S+ )?chest)|nuchal rigidity"
            ),
            "rash": (
                r"rash (?:\S+ ){0,4}(?:doesnt|dont|didnt|wont|isnt|not) (?:fade|blanch|go away "
                r"(?:when|under))|non ?blanching|(?:purple|purplish|pinprick) (?:\S+ ){0,2}"
                r"(?:rash|spots|dots|blotches|bruis\w*)|petechia\w*|purpura|glass test"
                r"|tumbler test"
            ),
            "light": (
                r"(?:light|lights|brightness) ~2 (?:hurts?|painful|bother\w*)|(?:sensitiv\w*"
                r"|intoleran\w*) to (?:the )?light|photophobi\w*"
            ),
        },
        fires=_fires("rash", "fever+stiff_neck", "stiff_neck+light"),
        topic=r"meningitis|meningococcal",
    ),
    EmergencyRule(
        reason="sepsis_signs",
        advice=(
            "With an infection, confusion, mottled or bluish skin, very fast breathing, "
            "uncontrollable shivering or not passing urine can be sepsis."
        ),
        signs={
            "infection": (
                r"infect\w*|uti|pneumonia|cellulitis|wound|abscess|flu|covid|pus"
                r"|cut (?:is |has |that )?(?:\S+ ){0,2}(?:red|hot|swollen)"
            ),
            "systemic": (
                r"(?:mottled|blotchy|bluish|blue|grey|gray|ashen) (?:skin|lips|tongue)"
                r"|skin ~2 (?:mottled|blotchy|blue|grey|gray)|confus\w*|slurr\w*"
                r"|not making sense|(?:very |really )?(?:fast|rapid) breathing"
                r"|breathing (?:very |really )?(?:fast|quickly|rapidly)|(?:not|havent|hasnt|no) (?:peed|pee\w*|urinat\w*|wee\w*|passed "
                r"(?:any )?urine)|no urine|uncontrollabl\w* shiver\w*|rigou?rs|shaking "
                r"uncontrollably|(?:feel|feels|feeling) like (?:i am|he is|she is) (?:going to "
                r"die|dying)|worst (?:i|i have) ever felt"
            ),
            "fever": FEVER,
            "named": r"sepsis|septic\w*|blood poisoning",
        },
        fires=_fires("infection+systemic", "fever+systemic", "named"),
        topic=r"sepsis|septic\w*",
    ),
    EmergencyRule(
        reason="infant_fever",
        advice=(
            "A baby under 3 months with a temperature of 38°C (100.4°F) or higher needs urgent "
            "medical care, even if they seem well."
        ),
        signs={
            "young_infant": (
                r"newborn|neonat\w*|(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine"
                r"|ten|eleven|twelve) (?:week|wk)s? old|(?:[1-9]|[1-8]\d|one|two|three|four|five"
                r"|six|seven|eight|nine|ten) days? old|(?:1|2|one|two) (?:month|mth)s? old"
                r"|(?:under|less than|younger than|below) (?:3|three) months"
                r"|(?:baby|son|daughter|he|she) is (?:only |just )?(?:[1-9]|1[0-2]|one|two|three"
                r"|four|five|six|seven|eight|nine|ten|eleven|twelve) weeks"
            ),
            "fever": FEVER,
        },
        fires=_fires("young_infant+fever"),
    ),
    EmergencyRule(
        reason="pregnancy_emergency",
        advice=(
            "Heavy bleeding, severe pain, or a baby moving less than usual in pregnancy need "
            "emergency care; in the UK you can also call your maternity unit straight away."
        ),
        signs={
            "pregnant": (
                r"pregnan\w*|weeks (?:pregnant|along|gestation)|expecting|trimester|miscarr\w*"
                r"|ectopic"
            ),
            "bleeding": (
                r"(?:heavy|heavily|lots of|a lot of|so much|gushing|pouring|soaking) ~2 "
                r"(?:bleed\w*|blood)|bleed\w* (?:heavily|a lot|badly)|(?:soak\w*|fill\w*) "
                r"(?:\S+ ){0,2}pads?|(?:large|big) clots|haemorrhag\w*|hemorrhag\w*"
            ),
            "pain": (
                r"(?:severe|bad|sharp|intense|excruciating|unbearable|terrible|extreme|stabbing)"
                r" (?:\S+ ){0,3}(?:pain|cramp\w*|headache)|(?:pain|cramp\w*) ~3 (?:severe"
                r"|unbearable|excruciating|intense)|shoulder tip pain"
            ),
            "movements": (
                r"(?:reduced|less|fewer|no|stopped) (?:\S+ ){0,2}(?:movements?|kicks?|kicking)"
                r"|(?:baby|bump) (?:\S+ ){0,2}(?:stopped|not|isnt) (?:moving|kicking)"
            ),
        },
        fires=_fires("pregnant+bleeding", "pregnant+pain", "pregnant+movements"),
    ),
    EmergencyRule(
        reason="acute_abdomen",
        advice=(
            "Sudden severe abdominal pain, especially with a hard, rigid belly, needs emergency "
            "care. Don't eat or drink until you've been assessed."
        ),
        signs={
            "severe_pain": (
                r"(?:severe|excruciating|unbearable|worst|intense|extreme|agoni\w*|terrible"
                r"|crippling) (?:\S+ ){0,3}(?:abdominal|abdomen|stomach|belly|tummy|testic\w*)"
                r" ?(?:pain|ache|cramps?)?|(?:abdominal|stomach|belly|tummy) (?:pain|ache) "
                r"(?:\S+ ){0,3}(?:severe|excruciating|unbearable)"
            ),
            "sudden": r"sudden\w*|out of nowhere|all of a sudden",
            "rigid": (
                r"(?:rigid|board ?like|rock hard) (?:\S+ )?(?:belly|abdomen|stomach|tummy)"
                r"|(?:belly|abdomen|stomach|tummy) (?:is |feels |went |has gone |gone )?(?:\S+ )?"
                r"(?:rigid|hard as a (?:board|rock)|board ?like|rock hard)|peritonit\w*"
            ),
        },
        fires=_fires("rigid", "severe_pain+sudden"),
    ),
)

# Crisis: a phrase here escalates whatever the framing; a person who says it is answered with
# the crisis lines, not with information.
CRISIS_RULES: dict[str, tuple[str, ...]] = {
    "suicidal_ideation": (
        r"(?:kill\w*|off|offing|hang\w*|shoot\w*|drown\w*|poison\w*) my ?self|kms",
        r"end\w* (?:my (?:own )?life|it all|my existence)|tak\w* my (?:own )?life",
        r"(?<!dont )(?<!not )(?<!never )(?:want|wanted|wanting|wish|ready|decided|plan\w*) "
        r"(?:to )?die(?! (?:my|your|his|her|their) hair)",
        r"wish (?:i|i had) (?:was|were|could be|had) (?:dead|never been born)",
        r"better off (?:dead|without me)|(?:id|i would|i d) be better off",
        r"(?:dont|do not|no longer|dont even) want to (?:live|be alive|be here anymore|exist"
        r"|wake up|go on)",
        r"no (?:reason|point) (?:to|in) (?:live|living|go on|going on|carry\w* on|being alive)",
        r"nothing (?:left )?to live for|not worth living|(?:life|living) (?:is )?(?:not|isnt)"
        r" worth (?:it|living)|(?:whats|what is) the point (?:of|in) (?:living|life|going on)",
        r"(?:cant|can not) go on (?:living|anymore|any more)",
        r"(?:dont|do not|cant) see (?:the |any )?point (?:in|of) (?:living|life|going on|being "
        r"alive|anything)",
        r"(?:want|wish) (?:to |i could )?disappear (?:forever|for good)",
        r"(?:nobody|no one|noone) would (?:miss|care|notice)(?: me)? if i (?:was|were|died"
        r"|disappeared)",
        r"(?:everyone|everybody|they|my family|the world) (?:would be|would|d be) (?:better off"
        r"|happier) (?:without me|if i (?:was|were) (?:gone|dead))",
        r"(?:feel like|thinking (?:about|of)|want to|going to) end(?:ing)? (?:it|things)"
        r"(?: all)?(?! with)",
        r"(?:thinking|think|thought|thoughts) (?:about|of) (?:dying|suicide|ending it|ending my"
        r" life|killing my ?self|taking my (?:own )?life)",
        r"(?:i|me|my|myself) (?:\S+ ){0,3}suicid\w*",
        r"(?:going|want|plan\w*) to commit suicide|attempt\w* suicide again",
    ),
    "self_harm": (
        r"(?:want\w*|urges?|going|plan\w*|thinking about|thoughts of|tempted|feel like|need) (?:to )?"
        r"(?:cut|burn|hurt|harm|punish|starve|hit) my ?self",
        r"(?:i am|i have been|been|keep|started|start) (?:\S+ )?(?:cutting|burning|hurting"
        r"|harming|punishing|starving) my ?self",
        r"(?:i|me|my) (?:\S+ ){0,3}self (?:harm\w*|injur\w*)",
    ),
    "suicide_method": (
        r"(?:lethal|fatal|deadly) (?:dose|amount|quantity|overdose)",
        r"how (?:many|much) (?:\S+ ){0,5}(?:to|would|will|does it take to|it takes to) (?:die"
        r"|kill|overdose|od|end it|be (?:fatal|lethal))",
        r"(?:painless|easiest|easy|quickest|quick|fastest|best|surest|peaceful) (?:way|method)s?"
        r" (?:to|of) (?:die|dying|kill (?:my ?self|me)|end (?:it|my life)|commit suicide|suicide)",
        r"how (?:to|do i|can i|could i) (?:kill my ?self|commit suicide|end my life"
        r"|hang my ?self|overdose|od)",
    ),
    "harm_to_others": (
        r"(?:want|going|plan\w*|thinking about|think about|urges?|tempted|feel like|feeling like"
        r"|decided|fantasi\w* about) (?:to )?(?:kill\w*|hurt\w*|harm\w*|stab\w*|shoot\w*"
        r"|strangl\w*|poison\w*|beat\w*|attack\w*|murder\w*|shak\w*|smother\w*) (?:someone"
        r"|somebody|people|him|her|them|everyone|everybody|a (?:person|child)|(?:my|the) (?:\S+ )?"
        r"(?:wife|husband|partner|boyfriend|girlfriend|mum|mom|mother|dad|father|son|daughter"
        r"|kids?|child\w*|baby|boss|neighbou?r|family|brother|sister|roommate|flatmate|teacher"
        r"|coworker|colleague|ex))",
        r"how (?:to|do i|can i|could i) (?:kill|poison|murder|smother|strangle) (?:someone"
        r"|somebody|a person|my \w+|him|her|them|people)",
    ),
}
CRISIS_TOPIC = r"suicid\w*|self (?:harm\w*|injur\w*)"

# Refusals (the patient audience; prescription fraud for everyone).
DOSING_ASKS: tuple[str, ...] = (
    r"how (?:many|much) (?:\S+ )?(?:mg|mgs|milligrams?|mcg|micrograms?|ug|grams?|units?|iu|ml"
    r"|mls|millilit\w*|cc|tablets?|pills?|capsules?|caps|tabs|puffs?|doses?|drops?|injections?"
    r"|shots?|patch\w*|sprays?)",
    r"how (?:many|much) (?:of )?(?:my |the |this |these |his |her |your )?(?:\S+ )?<DRUG>",
    r"how (?:many|much) (?:\S+ ){0,6}(?:should|can|could|do|may|must|shall|would|is it safe to"
    r"|to) (?:i |we |he |she |they |you |my \w+ )?(?:take|have|use|inject|give|start|be taking"
    r"|go up to)",
    r"(?:what|whats|which) (?:is |are )?(?:the |a |my |his |her |an |your )?(?:\S+ ){0,2}"
    r"(?:dose|doses|dosage|dosing|amount|strength)(?! form)",
    r"<DRUG> (?:dose|doses|dosage|dosing)|(?:dose|doses|dosage|dosing) (?:of|for) (?:\S+ ){0,2}"
    r"<DRUG>",
    r"(?:can|could|should|may|shall|do|is it ok to|is it okay to|is it safe to) (?:i |we |he "
    r"|she |they |my \w+ )?(?:double|triple|increase|decrease|reduce|lower|raise|up|halve"
    r"|adjust|titrate|taper|change) (?:my |the |his |her |their )?(?:\S+ ){0,2}(?:dose|dosage"
    r"|doses|<DRUG>)",
    r"(?:can|could|should|may|is it ok to|is it okay to|is it safe to) (?:i |we |he |she |they "
    r"|my \w+ )?take (?:more|extra|less|another|an extra|a second|a double|double|two|three"
    r"|four|half|\d+) (?:\S+ ){0,2}(?:<DRUG>|tablets?|pills?|capsules?|doses?|mg|units?|of)",
    r"(?:cut|split) (?:my |the |his |her )?(?:\S+ ){0,2}(?:tablets?|pills?|dose|<DRUG>) in half",
    r"\d+ (?:mg|mcg|ug|micrograms?|milligrams?|units?|iu|ml|g|grams?|tablets?|pills?"
    r"|capsules?) (?:\S+ ){0,3}(?:too (?:much|high|low|many|little|strong)|enough|safe|ok|okay"
    r"|dangerous|a lot|normal|right|correct)",
    r"(?:maximum|max|highest|most|upper limit|safe|daily|starting|usual|normal|recommended"
    r"|typical|correct|right) (?:daily |single |safe )?(?:dose|dosage|amount|mg)",
    r"how often (?:should|can|do|may|must|would) (?:i|we|he|she|they|you|my \w+) (?:take|use"
    r"|inject|have|give)",
    r"(?:can|could|should|may) (?:i|we|he|she|they) take (?:it|them|this|these|my \S+|<DRUG>)"
    r"(?: \S+)? (?:twice|two times|three times|again|more often|every \d+ hours)",
)
# Not a dosing ask after all: what a product contains, or what happens after a mistake (the
# review still withholds any prescription dose in the answer).
NOT_A_DOSING_ASK = (
    r"what (?:happens|will happen|would happen|should i do|do i do) if|by mistake|by accident"
    r"|accidentally"
)
COMPOSITION = (
    r"^ (?:\S+ ){0,2}?(?:is|are) (?:there )?in\b|^ (?:\S+ ){0,2}?per (?:tablet|capsule|pill|ml)"
)
# What to do about a missed dose is leaflet information, not a dose.
MISSED_DOSE = (
    r"(?:miss|missed|missing|forgot|forget|forgotten|skip|skipped) (?:to take )?(?:a |my |the "
    r"|one |his |her |their )?(?:\S+ )?(?:dose|doses|pill|tablet)s?(?: of)?"
)
# The asker's own prescription, unnamed ("my blood pressure pills").
OWN_PRESCRIPTION = (
    r"my (?:\S+ ){0,2}(?:medication|medications|medicine|medicines|meds|prescription|pills"
    r"|tablets|dose|dosage|injections?)|prescribed|prescription"
)

OBTAIN = (
    r"(?:buy\w*|bought|purchas\w*|order\w*|get|getting|obtain\w*|source|sourcing|score|scoring"
    r"|cop|find|pick up|get hold of|get my hands on|acquire|ship\w*|deliver\w*) (?:\S+ ){0,4}"
    r"<CONTROLLED>|<CONTROLLED> (?:\S+ ){0,4}(?:for sale|to buy|online|without)"
)
ILLICIT = (
    r"without (?:a |an |any )?(?:\S+ )?(?:prescription|script|rx|doctor|dr|prescriber|gp)"
    r"|no (?:prescription|script|rx)|(?:prescription|script|rx) free|non prescription|online"
    r"|internet|web ?sites?|dark ?web|darknet|deep web|street|dealer|plug|black market|telegram"
    r"|snapchat|discord|from (?:a |my )?(?:friend|mate|neighbou?r|someone)|overseas|abroad"
    r"|mexico|for sale|in bulk|bitcoin|crypto"
)
PRESCRIPTION_FRAUD = (
    r"(?:fake|forge\w*|forging|counterfeit|falsif\w*|photoshop\w*|steal\w*|stole|alter\w*) "
    r"(?:\S+ ){0,3}(?:prescriptions?|scripts?|rx|prescription pads?)",
    r"write (?:my ?self|my own) (?:a )?(?:prescription|script)|doctor shop\w*",
    r"(?:trick|convince|persuade|manipulate|get|make) (?:my |a |the )?(?:doctor|gp|dr"
    r"|psychiatrist|physician) (?:\S+ ){0,3}(?:prescrib\w*|give me|write me) (?:\S+ ){0,2}"
    r"<CONTROLLED>",
    r"(?:what|things) (?:should i |do i |can i |to )?say (?:\S+ ){0,4}(?:get|be prescribed"
    r"|prescribe me) (?:\S+ ){0,2}"
    r"<CONTROLLED>",
    r"(?:fake|exaggerat\w*|pretend\w*) (?:\S+ ){0,3}(?:symptoms|pain|adhd|anxiety) (?:\S+ )"
    r"{0,4}(?:get|prescrib\w*)",
)

# Requests to misuse, divert or covertly give a medicine, or to falsify a prescription or a
# record: refused kindly for every audience (a regulatory question about them is worded
# differently: "what must be recorded", "how is diversion detected").
MISUSE = (
    r"(?:get|getting|got|feel|feeling) (?:\S+ ){0,2}(?:high|buzz\w*|wasted|stoned|off (?:my|your) "
    r"(?:face|head)|mashed|messed up)|to trip|(?:snort\w*|sniff\w*|inject\w*|smok\w*|crush\w*"
    r"|chew\w*) (?:\S+ ){0,3}(?:<CONTROLLED>|ritalin|adderall|oxycontin|pills|tablets)(?! (?:by "
    r"mistake|accidentally))",
    r"crush (?:\S+ ){0,3}(?:kicks? in|hit|faster|stronger)|cold water extraction|extract (?:\S+ )"
    r"{0,3}(?:codeine|opiate|morphine)|(?:without|no) (?:a )?(?:prescription|recipe|script|rx)"
    r" (?:\S+ ){0,3}(?:buy|get|order)|(?:buy|get|order) (?:\S+ ){0,4}(?:without|no) (?:a )?"
    r"(?:prescription|recipe|script|rx)",
    r"(?:do not|dont|never|not) (?:bother )?check\w* (?:\S+ ){0,3}(?:id|prescriptions?)|drug "
    r"seeker|(?:second|another|two) (?:doctor|gp|psychiatrist)s? (?:\S+ ){0,6}(?:not tell|without"
    r" telling)|more (?:\S+ ){0,2}than (?:my|the) (?:doctor|psychiatrist|gp) (?:prescribes|gives)",
    r"(?:leftover|left over|spare|old) (?:\S+ ){0,3}(?:<CONTROLLED>|oramorph|pills|tablets) (?:\S+ )"
    r"{0,8}(?:how (?:much|many|do i)|ask|relax|for me|have some)|(?:take|nick|pinch|borrow) "
    r"(?:\S+ ){0,4}(?:from|off) (?:the )?(?:ward|work|stock|drug cupboard)|ward stock",
    r"(?:put|slip|dissolve|add|spike) (?:\S+ ){0,4}(?:in|into) (?:\S+ ){0,3}(?:drink|food|tea|coffee)"
    r" (?:\S+ ){0,6}(?:without|tasteless|not notice|sleepy|knock)|spike (?:\S+ ){0,2}drink",
    r"(?:go|mix) (?:best )?with (?:alcohol|booze|drink) (?:\S+ ){0,3}(?:wasted|high|buzz|drunk)",
)
FORGERY = (
    r"(?:make|making|create|design) (?:\S+ ){0,4}(?:prescription|script)s? (?:template|form|pad|look)"
    r"|prescription template|(?:copy|forge|fake|trace|sign) (?:\S+ ){0,3}(?:doctor|gp|prescriber|"
    r"witness)s? signature|(?:photocopied|copied|scanned) (?:\S+ ){0,2}prescription",
    r"(?:change|alter|edit|amend) (?:\S+ ){0,4}(?:quantity|dose|date|strength|name) (?:\S+ ){0,4}"
    r"(?:prescription|script)|backdat\w*|relabel\w* (?:\S+ ){0,4}(?:expiry|date|batch)|(?:change"
    r"|alter|extend) (?:\S+ ){0,3}expiry dates?",
)

CONDITION = (
    r"cancer\w*|tumou?rs?|leuka?emia|lymphoma|melanoma|diabetes|covid|coronavirus|flu"
    r"|influenza|a cold|strep|std|sti|chlamydia|gonorrh?o?ea|herpes|hiv|aids|syphilis|hpv|uti"
    r"|thrush|yeast infection|adhd|autism|ocd|ptsd|bipolar|depression|anxiety|dementia"
    r"|alzheimer\w*|parkinson\w*|ms|multiple sclerosis|lupus|arthritis|appendicitis|pneumonia"
    r"|bronchitis|asthma|copd|shingles|measles|chickenpox|chicken pox|mono|glandular fever"
    r"|lyme|c[oe]?eliac|ibs|crohn\w*|colitis|gout|an?a?emia|anemic|thyroid|hypothyroid\w*"
    r"|hyperthyroid\w*|heart disease|high blood pressure|hypertension|kidney stones?"
    r"|gallstones?|hernia|an? ulcer|ulcers|endometriosis|pcos|eczema|psoriasis|scabies"
    r"|ringworm|tonsillitis|sinusitis|an? (?:\S+ )?infection|infections?|an? virus"
    r"|an? allerg\w*|allerg\w*|concussion|an? broken \w+|fracture\w*|an? sprain\w*|pink eye"
    r"|conjunctivitis|sepsis|meningitis|an? blood clot|dvt|food poisoning|cold sores?|gerd"
    r"|acid reflux|long covid|tb|tuberculosis|hepatitis|\w+ (?:disease|syndrome|disorder"
    r"|deficiency)"
)
DIAGNOSIS_ASKS: tuple[str, ...] = (
    r"(?:do|might|could) i (?:have|have got|be getting|be coming down with) (?:a |an |the "
    r"|some )?(?:\S+ ){0,2}(?:<CONDITION>)\b",
    r"have i (?:got|caught|developed) (?:a |an |the )?(?:\S+ ){0,2}(?:<CONDITION>)\b",
    r"is it possible (?:that )?i (?:have|ve got) (?:\S+ ){0,2}(?:<CONDITION>)\b",
    r"am i (?:\S+ )?(?:pregnant|diabetic|anaemic|anemic|depressed|bipolar|autistic|infertile"
    r"|dying|allergic|having (?:a |an )?(?:miscarriage|panic attack|breakdown)|going (?:blind"
    r"|deaf))",
    r"(?:whats|what is) (?:wrong|going on|happening) with (?:me|my|him|her)\b",
    r"what (?:is|s) (?:this|that) (?:\S+ )?(?:rash|lump|bump|spot|mark|mole|growth|thing"
    r"|swelling|sore|blister|patch|discharge)",
    r"tell me (?:if|whether|what) (?:this|my|it|i)\b",
    r"what (?:\S+ )?(?:do|could|might) i have|what (?:could|might) (?:this|it|these|that|my)"
    r" (?:\S+ ){0,5}be",
    r"diagnos\w* (?:me|my|this|these|what|whats)|(?:can|could|will|would) you diagnos\w*"
    r"|give me a diagnosis|tell me what i have",
    r"is (?:this|it|my|the|that) (?:\S+ ){0,3}(?:lump|mole|rash|spot|bump|growth|mark|sore"
    r"|lesion|swelling|discharge|freckle|patch|cyst|blister|ulcer|wart|nodule|pain|cough"
    r"|headache|symptoms?|bleeding) (?:a |an )?(?:\S+ )?(?:tumou?r|cancer\w*|malignan\w*"
    r"|melanoma|serious|benign|dangerous|std|sti|herpes|shingles|infection|infected|normal"
    r"|something (?:serious|bad|to worry about)|cyst|lymphoma)",
    r"is (?:this|it|that) (?:a |an )?(?:tumou?r|cancer\w*|melanoma|malignan\w*|shingles|herpes"
    r"|std|sti)",
    r"(?:does|do) (?:this|my|these|it) (?:\S+ ){0,3}(?:look|sound|seem) (?:like )?(?:a |an )?"
    r"(?:\S+ ){0,2}(?:cancer\w*|tumou?r|melanoma|serious|infect\w*|normal|bad)",
    r"(?:whats|what is) causing (?:my|this|these)|what (?:is|s) behind my",
    r"should i be (?:worried|concerned) about (?:this|my|these|it)",
)

# Framing cues (see the module docstring).
EDUCATIONAL = (
    r"what (?:\S+ ){1,2}(?:is|are|counts)|(?:what|whats) (?:is|are|does|do|causes?|can cause"
    r"|could cause|happens|to do|should "
    r"(?:you|someone|a person|people)|would|counts as)|signs? (?:of|and symptoms)|symptoms? of"
    r"|warning signs|red flags|causes? of|caused by|risk factors?|how (?:do|does|can|is|are|to"
    r"|would|should) (?:you|one|doctors?|people|someone|a person|it|they|i (?:know|tell"
    r"|recogni\w*|spot))|how to|why (?:do|does|is|are|would|might)|when (?:should|to|do|does"
    r"|is|are)|explain|definition|define|meaning|mean|difference between|first aid|is it normal"
    r"|is it (?:safe|dangerous|harmful|bad|serious)|(?:can|could|does|do) (?:\S+ ){1,3}cause"
    r"|tell me about|information (?:on|about)|learn\w* about|in general|generally|typically"
    r"|usually|for (?:a|my) (?:school|class|project|essay|exam|assignment|course)"
    r"|i am (?:a |an )?(?:student|nurse|doctor|teacher|first aider|carer)"
)
ASKING_FRAMES = (
    r"(?:what|how) (?:should|do|can|could|would|must) (?:i|we) \w+|(?:can|may) i ask"
    r"|i (?:was|am) wondering"
    r"|i (?:want|would like|d like) to (?:know|learn|understand|ask)|(?:i|we) (?:heard|read|saw"
    r"|was told)(?: that)?|is it (?:safe|ok|okay) for (?:me|us) to"
)
FIRST_PERSON = r"i|me|my|mine|myself|we|us|our"
THIRD_PERSON_NOW = (
    r"(?:he|she|they|someone|somebody|my \w+|(?:the|this|a|our) (?:baby|child|kid|man|woman"
    r"|guy|person|boy|girl|toddler)|(?:his|her|their) \w+) (?:\S+ ){0,2}(?:is|are|has|have|had"
    r"|cant|wont|isnt|doesnt|keeps?|just|suddenly|started|was|were|looks?|seems?|feels?|went"
    r"|turned|turning|collapsed|fell|ate|swallowed|took|got|hit|passed)"
    r"|the (?:seizure|fit|bleeding|blood|pain|swelling|rash|burn|fever) (?:\S+ )?(?:is|wont|isnt"
    r"|hasnt|keeps|has|just)"
)
HYPOTHETICAL = (
    r"(?:if|when|whenever|in case) (?:someone|somebody|a person|a child|a baby|a kid|an adult"
    r"|a patient|you|your|people|they|he|she|a friend|one|the)"
)
URGENCY = (
    r"right now|just now|help me|please help|need help|^help|help$|sos|urgent\w*|emergency"
    r"|ambulance"
    r"|call (?:911|999|112)|(?:\d+|a few|few|couple of|ten|twenty|thirty|five) (?:minutes|mins"
    r"|hours|hrs) (?:ago|now)|an hour ago|for the (?:last|past) (?:\S+ )?(?:minutes|mins|hour"
    r"|hours)|at the moment|currently|tonight|this (?:morning|afternoon|evening)|today"
)
HISTORY = (
    r"(?:\d+|a|one|two|three|few|couple of|several|many) (?:years?|months?|weeks?) ago"
    r"|last (?:year|month|week)|in (?:19|20)\d\d|history of|as a (?:child|kid|baby|teen\w*)"
    r"|when i was (?:a )?(?:child|kid|younger|little|young|teen\w*)|used to|in the past"
    r"|previously|(?:after|since) (?:my|his|her) (?:\S+ )?(?:stroke|heart attack|seizure)"
)
CURRENT = r"right now|now|currently|still|again|today|tonight|this (?:morning|afternoon|evening)"
# A sign attributed to something else is discussed, not presented: "can X cause <sign>",
# "is <sign> a side effect of X".
ATTRIBUTED_BEFORE = (
    r"(?:cause|causes|caused|causing|lead to|leads to|trigger|triggers|risk of|result in"
    r"|side effects?(?: like| such as| include| including| of)?|make you|give you) (?:\S+ ){0,2}$"
)
ATTRIBUTED_AFTER = (
    r"^(?:\S+ ){0,2}(?:a |an )?(?:side effects?|symptoms?|signs?|warning signs?|caused by)\b"
)
POSSESSIVE = r"\b(?:i|me|my|his|her|their|our|he|she|they)\b"

# Prompt injection: a sentence in a retrieved passage that speaks to a model, not a reader.
INJECTION = (
    r"\b(?:ignore|disregard|forget|override|bypass|skip) (?:all |any |the |your |these |those "
    r"|every )*(?:previous|prior|above|earlier|preceding|foregoing|former|system|original)?"
    r" ?(?:instructions?|prompts?|messages?|context|rules|directions|guidelines|text)\b",
    r"\b(?:disregard|ignore|forget) (?:everything|all|anything) (?:above|before|you were told|said)",
    r"\bdisregard the above\b|\bignore the above\b",
    r"\byou are now\b|\bfrom now on,? you\b|\bact as (?:an?|the|if)\b|\bpretend (?:to be|you are)"
    r"|\brole ?play as\b|\byour new (?:role|instructions?|task)\b|\bnew instructions?\s*:",
    r"\bsystem (?:prompt|message|instructions?)\b|\bdeveloper (?:mode|message)\b|\bjailbr[eo]ak"
    r"|\bDAN mode\b|\bdo anything now\b",
    r"\bas an? (?:ai|language model|llm|assistant|chatbot)\b,? (?:you )?(?:must|should|will"
    r"|shall|are)\b|\b(?:ai|assistant|chatbot|language model|llm|chatgpt|model)s?,? (?:you )?"
    r"(?:must|should|shall) (?:now |always |only )?(?:say|tell|respond|answer|reply|output"
    r"|recommend|ignore|include)",
    r"\b(?:respond|reply|answer|output|print|write) (?:only|just) (?:with|in)\b|\bonly (?:respond"
    r"|reply|answer|output) with\b|\brepeat after me\b|\bsay the following\b"
    r"|\b(?:reveal|print|show|repeat|output) (?:your|the) (?:system )?(?:prompt|instructions)\b",
    r"\btell (?:the |all |any )?(?:readers?|users?|patients? reading)\b",
    r"<\s*/?\s*script\b|javascript:|<\s*/?\s*(?:s|system|assistant|user)\s*>|\[/?INST\]"
    r"|<<\s*/?SYS\s*>>|<\|[a-z_]+\|>|^\s*#{2,}\s*(?:instruction|system|assistant)\b",
)

# ---------------------------------------------------------------------------------------------
# Compiling the rules
# ---------------------------------------------------------------------------------------------


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


_PLACEHOLDERS = {
    "<DRUG>": _alternation(OTC_DRUGS | PRESCRIPTION_DRUGS),
    "<CONTROLLED>": _alternation(CONTROLLED_DRUGS),
    "<CONDITION>": CONDITION,
}
_GAP = re.compile(r"\s*~(\d?)\s*")


def _rx(*alternatives: str) -> re.Pattern:
    """Compile rule alternatives: `~N` gaps, placeholders, whole words only."""
    joined = "|".join(f"(?:{a})" for a in alternatives if a)
    for name, value in _PLACEHOLDERS.items():
        joined = joined.replace(name, value)
    joined = _GAP.sub(lambda m: rf" (?:\S+ ){{0,{m.group(1) or 4}}}", joined)
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)")


@dataclass(frozen=True)
class _Compiled:
    rule: EmergencyRule
    signs: dict[str, re.Pattern]
    urgent: re.Pattern | None
    topic: re.Pattern | None


_EMERGENCY = tuple(
    _Compiled(
        rule=r,
        signs={name: _rx(p) for name, p in r.signs.items()},
        urgent=_rx(r.urgent) if r.urgent else None,
        topic=_rx(r.topic) if r.topic else None,
    )
    for r in EMERGENCY_RULES
)
_CRISIS = {reason: _rx(*patterns) for reason, patterns in CRISIS_RULES.items()}
_CRISIS_TOPIC = _rx(CRISIS_TOPIC)
_DOSING = tuple(_rx(p) for p in DOSING_ASKS)
_OWN_PRESCRIPTION, _MISSED_DOSE = _rx(OWN_PRESCRIPTION), _rx(MISSED_DOSE)
_NOT_A_DOSING_ASK, _COMPOSITION = _rx(NOT_A_DOSING_ASK), re.compile(COMPOSITION)
_OBTAIN, _ILLICIT = _rx(OBTAIN), _rx(ILLICIT)
_FRAUD = _rx(*PRESCRIPTION_FRAUD, *FORGERY)
_MISUSE = _rx(*MISUSE)
_DIAGNOSIS = _rx(*DIAGNOSIS_ASKS)
_EDUCATIONAL, _ASKING_FRAMES = _rx(EDUCATIONAL), _rx(ASKING_FRAMES)
_FIRST_PERSON, _THIRD_PERSON_NOW = _rx(FIRST_PERSON), _rx(THIRD_PERSON_NOW)
_HYPOTHETICAL, _URGENCY = _rx(HYPOTHETICAL), _rx(URGENCY)
_HISTORY, _CURRENT = _rx(HISTORY), _rx(CURRENT)
_ATTRIBUTED_BEFORE = re.compile(ATTRIBUTED_BEFORE)
_ATTRIBUTED_AFTER = re.compile(ATTRIBUTED_AFTER)
_POSSESSIVE = re.compile(POSSESSIVE)
_DRUG_WORD = _rx(_PLACEHOLDERS["<DRUG>"])
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION), re.IGNORECASE | re.MULTILINE)

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
_TOKEN = re.compile(r"[a-z]+|\d+")


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
    for token in _TOKEN.findall(text):
        token = _SPELLING.get(token, token)
        words.append(_WORD_MAP.get(token, token))
    text = " ".join(words)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


# ---------------------------------------------------------------------------------------------
# Screening a question
# ---------------------------------------------------------------------------------------------

AUDIENCES = ("patient", "pharma")


@dataclass(frozen=True)
class Screening:
    flags: frozenset[str]  # subset of {"emergency", "crisis", "refused", "flagged_for_review"}
    reasons: tuple[str, ...]  # rule names that matched, e.g. ("chest_pain_cardiac",)
    message: str  # shown first: escalation, crisis lines, refusal or reminder; "" for none
    escalate: bool  # emergency or crisis: show the message before anything else
    answerable: bool  # continue to retrieval and answer the informational part
    informational_question: str  # what to retrieve and answer ("" when not answerable)


@dataclass
class _Findings:
    emergency: list[EmergencyRule] = field(default_factory=list)
    reminders: list[EmergencyRule] = field(default_factory=list)
    crisis: list[str] = field(default_factory=list)
    crisis_topic: bool = False
    refusals: list[str] = field(default_factory=list)
    dosing_drug: str | None = None


def screen(question: str, *, audience: str = "patient") -> Screening:
    """Screen a question before retrieval: escalate emergencies and crises, refuse what Lumen
    must not answer, and say what informational part is left to answer."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; expected one of {AUDIENCES}.")
    text = normalise(question)
    found = _Findings()
    _screen_emergencies(text, found)
    for reason, pattern in _CRISIS.items():
        if pattern.search(text):
            found.crisis.append(reason)
    found.crisis_topic = bool(_CRISIS_TOPIC.search(text))
    if _FRAUD.search(text):
        found.refusals.append("prescription_fraud")
    if _MISUSE.search(text):
        found.refusals.append("misuse")
    _screen_findings(question, text, found)
    if audience == "patient":
        if _OBTAIN.search(text) and _ILLICIT.search(text):
            found.refusals.append("controlled_substance_obtain")
        found.dosing_drug = _dosing_target(text)
        if found.dosing_drug is not None:
            found.refusals.append("dosing_prescription")
        if _DIAGNOSIS.search(text):
            found.refusals.append("diagnosis_request")
    return _decide(question, found, audience=audience)


def _screen_emergencies(text: str, found: _Findings) -> None:
    presenting = _presenting(text)
    educational = bool(_EDUCATIONAL.search(text))
    past = _past_only(text)
    for compiled in _EMERGENCY:
        rule = compiled.rule
        matched = {name for name, p in compiled.signs.items() if _presented_sign(p, text)}
        fired = [combination for combination in rule.fires if combination <= matched]
        candidate = bool(fired)
        urgent = bool(compiled.urgent and compiled.urgent.search(text))
        # A red-flag combination: a multi-sign one, or two separate signs of the same rule.
        combined = len(fired) >= 2 or any(len(c) >= 2 for c in fired)
        strong = combined and not educational and not past
        if urgent or (candidate and presenting) or strong:
            found.emergency.append(rule)
        elif candidate or (compiled.topic and compiled.topic.search(text)):
            found.reminders.append(rule)


_GENERAL_QUESTION = re.compile(
    r"(?:what|how|why|when|which|who|can|could|does|do|is|are|should|will|would|tell me|explain"
    r"|describe|list)\b"
)


def _screen_findings(question: str, text: str, found: _Findings) -> None:
    """Emergencies and crises from the shared red-flag knowledge base (the same findings
    triage uses), however they are told: escalate when they are presented (the asker, or
    someone with them, now), not when asked about in general."""
    from lumen.safety.findings import understand  # findings imports this module's normaliser

    understood = understand(question)
    educational = bool(_EDUCATIONAL.search(text))
    # A statement of findings ("her smile has gone lopsided") presents them; a general
    # question ("can a stroke make your smile lopsided?") needs a person in it to.
    presenting = (
        _presenting(text) or understood.subject != "self" or not _GENERAL_QUESTION.match(text)
    )
    # A loose semantic match is a "maybe": in a question it adds the emergency reminder to
    # the answer rather than blocking it ("I cut myself shaving, how do I stop the bleeding?"
    # is near "bleeding that will not stop" and is an ordinary question). Triage, which is
    # asked to judge a level, takes the higher level instead.
    maybe = {f.id for f in understood.findings if f.how == "semantic" and f.confidence == "low"}
    sure = [f for f in understood.findings if f.level == "emergency" and f.id not in maybe]
    fired = [r for r in understood.fired if r.level == "emergency"]
    poison = bool({"overdose", "tablet_count", "staggered_paracetamol"} & understood.present)
    if (sure or fired) and presenting and not educational and not _past_only(text):
        reasons = [f.id for f in sure] + [r.id for r in fired]
        advice = " ".join(dict.fromkeys([f.name for f in sure] + [r.reason for r in fired]))
        found.emergency.append(
            EmergencyRule(reason=reasons[0], advice=advice, signs={}, fires=(), poison=poison)
        )
    elif maybe:
        found.reminders.append(
            EmergencyRule(reason=sorted(maybe)[0], advice="", signs={}, fires=(), poison=poison)
        )
    # A question about suicide or self-harm as a topic is answered with the crisis reminder;
    # indirect first- or third-person wording ("never wake up", "until I have enough")
    # escalates even inside a question frame ("what would happen if ...").
    if "suicidal" in understood.present and not (educational and _CRISIS_TOPIC.search(text)):
        found.crisis.append("suicidal_thoughts")


def _presented_sign(pattern: re.Pattern, text: str) -> bool:
    """Whether the sign appears other than as something attributed to a cause ("can X cause
    <sign>", "is <sign> a side effect of X")."""
    for match in pattern.finditer(text):
        before = text[: match.start()]
        near = " ".join(before.split()[-3:])
        if _POSSESSIVE.search(near):
            return True
        if _ATTRIBUTED_BEFORE.search(before) or _ATTRIBUTED_AFTER.search(
            text[match.end() :].strip()
        ):
            continue
        return True
    return False


def _presenting(text: str) -> bool:
    """Whether the question presents something happening now, to the asker or someone with
    them (not in a hypothetical, not only in the past)."""
    if _past_only(text):
        return False
    unframed = _ASKING_FRAMES.sub(" ", text)
    if _FIRST_PERSON.search(unframed) or _URGENCY.search(text):
        return True
    return bool(_THIRD_PERSON_NOW.search(text)) and not _HYPOTHETICAL.search(text)


def _past_only(text: str) -> bool:
    return bool(_HISTORY.search(text)) and not _CURRENT.search(text)


def _drug_mentions(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _DRUG_WORD.finditer(text)]


def _dosing_target(text: str) -> str | None:
    """The prescription medicine a dosing question asks about ("" for the asker's own unnamed
    prescription), or None when it asks about none (no dose asked, or an OTC label dose)."""
    if _NOT_A_DOSING_ASK.search(text):
        return None
    mentions = _drug_mentions(text)
    missed = [m.span() for m in _MISSED_DOSE.finditer(text)]
    for pattern in _DOSING:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in missed):
                continue  # "if I miss a dose of warfarin": the leaflet's advice, not a dose
            if _COMPOSITION.search(text[match.end() :]):
                continue  # "how much codeine is in co-codamol": what the product contains
            after = [d for pos, d in mentions if match.start() <= pos <= match.end() + 60]
            before = [d for pos, d in mentions if pos < match.start()]
            target = (after or before[-1:] or [None])[0]
            if target in PRESCRIPTION_DRUGS:
                return target
            if target is None and _OWN_PRESCRIPTION.search(text):
                return ""
    return None


# Refusals that block an answer and are recorded even when the question also escalates.
_BLOCKING = {"controlled_substance_obtain", "prescription_fraud", "misuse"}


def _decide(question: str, found: _Findings, *, audience: str) -> Screening:
    """What the findings add up to: escalation first, then refusals, then reminders."""
    flags: set[str] = set()
    reasons: list[str] = []
    messages: list[str] = []
    if found.emergency:
        flags |= {"emergency", "flagged_for_review"}
        reasons += [r.reason for r in found.emergency]
        messages.append(_emergency_message(found.emergency))
    if found.crisis:
        flags |= {"crisis", "flagged_for_review"}
        reasons += found.crisis
        crisis = CRISIS_MESSAGE.format(numbers=EMERGENCY_NUMBERS)
        if "harm_to_others" in found.crisis:
            crisis += "\n" + HARM_TO_OTHERS_LINE
        messages.append(crisis)
    escalate = bool(found.emergency or found.crisis)

    # Escalation supersedes the dosing and diagnosis refusals (nothing is answered), but an
    # attempt to obtain controlled drugs or forge a prescription is still recorded.
    refusals = [r for r in found.refusals if not escalate or r in _BLOCKING]
    informational = question
    answerable = not escalate
    if refusals:
        flags.add("refused")
        reasons += refusals
    if _BLOCKING & set(refusals):
        flags.add("flagged_for_review")
        answerable = False
        if not escalate:
            messages.append(OBTAIN_MESSAGE)
    if answerable and "dosing_prescription" in refusals:
        informational = _without_dosing(question, found.dosing_drug or "")
        drug = found.dosing_drug
        message = DOSING_MESSAGE.format(of_drug=f"of {drug} " if drug else "")
        if informational:
            message += " " + DOSING_INFO_LINE.format(about_drug=f"about {drug} " if drug else "")
        messages.append(message)
        answerable = bool(informational)
    if answerable and "diagnosis_request" in refusals:
        messages.append(DIAGNOSIS_MESSAGE)

    if not escalate and audience == "patient":
        if found.crisis_topic:
            reasons.append("crisis_reminder")
            messages.append(CRISIS_REMINDER.format(numbers=EMERGENCY_NUMBERS))
        if found.reminders:
            reasons.append("emergency_reminder")
            reminder = EMERGENCY_REMINDER.format(numbers=EMERGENCY_NUMBERS)
            if any(r.poison for r in found.reminders):
                reminder += " " + POISON_CONTROL
            messages.append(reminder)
    return Screening(
        flags=frozenset(flags),
        reasons=tuple(dict.fromkeys(reasons)),
        message="\n\n".join(messages),
        escalate=escalate,
        answerable=answerable,
        informational_question=informational if answerable else "",
    )


def _emergency_message(rules: list[EmergencyRule]) -> str:
    lines = [EMERGENCY_MESSAGE.format(numbers=EMERGENCY_NUMBERS)]
    lines += [r.advice for r in rules]
    if any(r.poison for r in rules):
        lines.append(POISON_CONTROL)
    lines.append("Follow the call handler's instructions.")
    return "\n".join(lines)


_CLAUSES = re.compile(
    r"(?<=[?.!;])\s+|,\s*(?:and|but|also|plus)\s+|\s+(?:and|but|also|plus)\s+(?=(?:what|how|is"
    r"|are|can|does|do|which|why|when|where|should|will|could)\b)",
    re.IGNORECASE,
)


def _without_dosing(question: str, drug: str) -> str:
    """The question with its dosing clauses removed, naming the medicine it was about; a plain
    information question about the medicine when nothing else was asked; "" for an unnamed
    prescription with nothing else asked."""
    kept = [
        c.strip()
        for c in _CLAUSES.split(question)
        if c and c.strip() and not any(p.search(normalise(c)) for p in _DOSING)
    ]
    kept = [c for c in kept if _TOKEN.search(c.lower())]
    if not kept:
        if not drug:
            return ""
        return f"What is {drug} used for, and what are its side effects and warnings?"
    rest = " ".join(kept)
    rest = rest[0].upper() + rest[1:]
    if drug and drug not in normalise(rest).split():
        return f"About {drug}: {rest}"
    return rest
