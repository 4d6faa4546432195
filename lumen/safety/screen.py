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
from dataclasses import dataclass, field

from lumen.safety.findings import POISONING, understand
from lumen.safety.lexicon import (
    DRUG_PATTERNS,
    PRESCRIPTION_DRUGS,
    TOKEN,
    normalise,
)
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
# Rules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    """Why a question is escalated: the knowledge base's finding or rule id, the advice shown
    under the emergency numbers, and whether poison control is named."""

    reason: str
    advice: str = ""
    poison: bool = False


# A question about suicide or self-harm as a topic ("can antidepressants cause suicidal
# thoughts?") is answered with the crisis reminder; the crisis findings themselves live in
# the knowledge base.
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

# Misuse understood as a request's intent over the medicine vocabulary rather than as fixed
# phrases: concealment (from a person, a pharmacy, an audit or a trace) of something done with
# a medicine or a record; deceiving a prescriber; a fake letter; a recreational preparation;
# dosing someone covertly to sedate them.
CONCEALMENT = (
    r"without (?:\S+ ){0,3}(?:noticing|knowing|finding out|realising|realizing|seeing|checking)"
    r"(?! (?:the )?taste)|(?:least|un|not|less) traceable|without (?:a |any )?trace"
    r"|(?:so|before) (?:\S+ ){0,6}(?:dont|doesnt|wont|isnt|not|never|no one|nobody|neither|none) (?:\S+ )?"
    r"(?:show\w*|notice\w*|finds? out|know\w*|delay\w*|flag\w*|spot\w*|catch\w*|caught)"
    r"|before the (?:audit|inspection|inspectors?)|cover (?:\S+ )?up|hide (?:it|this|the|them)"
)
# What concealment must be about to be misuse: a controlled drug, or a record being altered
# (keeping one's own prescription private from family or colleagues is not misuse).
CONCEALED_OBJECT = (
    r"<CONTROLLED>|(?:adjust|rewrite|change|alter|edit|fudge|doctor|amend|backdate|fake"
    r"|fabricate|tweak|delete|remove|cover) (?:\S+ ){0,4}(?:register|logs?|records?|entries|entry"
    r"|readings?|results|batch|data|paperwork|chart|stock count)"
)
DECEIVING_A_PRESCRIBER = (
    r"(?:what|which) (?:symptoms|things|words) (?:\S+ ){0,5}(?:say|describe|tell|mention|claim"
    r"|list|report|fake|complain of) (?:\S+ ){0,6}(?:get|be prescribed|prescribe) (?:\S+ ){0,3}"
    r"<CONTROLLED>",
    r"(?:doctors?|gps?|medical|sick|fit) (?:letter|note|certificate|cert) (?:\S+ ){0,2}(?:saying"
    r"|stating|that says|to say|claiming)",
)
RECREATIONAL = (
    r"(?:make|making|mix|mixing|drink\w*|sip\w*) lean|lean (?:with|from|using)|purple drank"
    r"|sizzurp|dirty sprite",
    r"(?:put|slip|dissolve|add|spike|crush|mix|hide) (?:\S+ ){0,4}(?:in|into) (?:\S+ ){0,3}"
    r"(?:drink|food|tea|coffee|meal|juice|bottle|dinner|wine|beer) (?:\S+ ){0,3}(?:so|to make)"
    r" (?:he|she|they|him|her|them) (?:\S+ ){0,3}(?:sleep\w*|calm\w*|quiet\w*|drowsy"
    r"|knocked out|pass\w* out|out cold)",
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
    r"|(?:nursing|medical|pharmacy|paramedic) student|student (?:nurse|paramedic|pharmacist)"
    r"|how (?:is|are) (?:\S+ ){1,4}(?:managed|treated|diagnosed|handled|assessed)"
    r"|how (?:do|should|must|can) (?:we|i) (?:report|record|document|notify)"
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


_PLACEHOLDERS = {**DRUG_PATTERNS, "<CONDITION>": CONDITION}
_GAP = re.compile(r"\s*~(\d?)\s*")


def _rx(*alternatives: str) -> re.Pattern:
    """Compile rule alternatives: `~N` gaps, placeholders, whole words only."""
    joined = "|".join(f"(?:{a})" for a in alternatives if a)
    for name, value in _PLACEHOLDERS.items():
        joined = joined.replace(name, value)
    joined = _GAP.sub(lambda m: rf" (?:\S+ ){{0,{m.group(1) or 4}}}", joined)
    return re.compile(rf"(?<!\w)(?:{joined})(?!\w)")


_CRISIS_TOPIC = _rx(CRISIS_TOPIC)
_DOSING = tuple(_rx(p) for p in DOSING_ASKS)
_OWN_PRESCRIPTION, _MISSED_DOSE = _rx(OWN_PRESCRIPTION), _rx(MISSED_DOSE)
_NOT_A_DOSING_ASK, _COMPOSITION = _rx(NOT_A_DOSING_ASK), re.compile(COMPOSITION)
_OBTAIN, _ILLICIT = _rx(OBTAIN), _rx(ILLICIT)
_FRAUD = _rx(*PRESCRIPTION_FRAUD, *FORGERY, *DECEIVING_A_PRESCRIBER)
_MISUSE = _rx(*MISUSE, *RECREATIONAL)
_CONCEALMENT, _CONCEALED_OBJECT = _rx(CONCEALMENT), _rx(CONCEALED_OBJECT)
_DIAGNOSIS = _rx(*DIAGNOSIS_ASKS)
_EDUCATIONAL, _ASKING_FRAMES = _rx(EDUCATIONAL), _rx(ASKING_FRAMES)
_FIRST_PERSON, _THIRD_PERSON_NOW = _rx(FIRST_PERSON), _rx(THIRD_PERSON_NOW)
_HYPOTHETICAL, _URGENCY = _rx(HYPOTHETICAL), _rx(URGENCY)
_HISTORY, _CURRENT = _rx(HISTORY), _rx(CURRENT)
_DRUG_WORD = _rx(_PLACEHOLDERS["<DRUG>"])
_INJECTION = re.compile("|".join(f"(?:{p})" for p in INJECTION), re.IGNORECASE | re.MULTILINE)


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
    emergency: list[Escalation] = field(default_factory=list)
    reminders: list[Escalation] = field(default_factory=list)
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
    found.crisis_topic = bool(_CRISIS_TOPIC.search(text))
    if _FRAUD.search(text):
        found.refusals.append("prescription_fraud")
    if _MISUSE.search(text) or (_CONCEALMENT.search(text) and _CONCEALED_OBJECT.search(text)):
        found.refusals.append("misuse")
    _screen_findings(question, text, found, audience=audience)
    if audience == "patient":
        if _OBTAIN.search(text) and _ILLICIT.search(text):
            found.refusals.append("controlled_substance_obtain")
        found.dosing_drug = _dosing_target(text)
        if found.dosing_drug is not None:
            found.refusals.append("dosing_prescription")
        if _DIAGNOSIS.search(text):
            found.refusals.append("diagnosis_request")
    return _decide(question, found, audience=audience)


_HELP_FRAME = re.compile(r"what (?:should|do|can|must|shall) (?:i|we) do")
_GENERAL_QUESTION = re.compile(
    r"(?:what|how|why|when|which|who|can|could|does|do|is|are|should|will|would|tell me|explain"
    r"|describe|list)\b"
)


def _screen_findings(question: str, text: str, found: _Findings, *, audience: str) -> None:
    """Emergencies and crises from the shared red-flag knowledge base (the same findings
    triage uses), however they are told: escalate when they are presented (the asker, or
    someone with them, now), not when asked about in general."""
    understood = understand(question)
    # "What do I do?" after a description asks for help now, not for information.
    educational = bool(_EDUCATIONAL.search(_HELP_FRAME.sub(" ", text)))
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
    poison = bool(POISONING & understood.present)
    if (sure or fired) and presenting and not educational and not _past_only(text):
        reasons = [f.id for f in sure] + [r.id for r in fired]
        advice = " ".join(dict.fromkeys([f.name + "." for f in sure] + [r.reason for r in fired]))
        found.emergency.append(Escalation(reasons[0], advice, poison))
    elif maybe or sure or fired or "emergency_topic" in understood.present:
        # Asked about, not presented ("what are the signs of a stroke?"): answered, with the
        # emergency numbers as a reminder.
        reason = sorted(maybe)[0] if maybe else "emergency_topic"
        found.reminders.append(
            Escalation(reason, poison=poison or "poisoning_topic" in understood.present)
        )
    # A question about suicide or self-harm as a topic is answered with the crisis reminder;
    # indirect first- or third-person wording ("never wake up", "until I have enough")
    # escalates even inside a question frame ("what would happen if ...").
    crisis = understood.crisis
    if audience == "pharma" and set(crisis) == {"suicide_method"}:
        # Toxic and lethal doses are a professional question for QA staff (risk
        # assessments, handling); suicidal or self-harm wording still escalates.
        crisis = []
    if crisis and not (educational and _CRISIS_TOPIC.search(text)):
        found.crisis += crisis


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


def _emergency_message(rules: list[Escalation]) -> str:
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
    kept = [c for c in kept if TOKEN.search(c.lower())]
    if not kept:
        if not drug:
            return ""
        return f"What is {drug} used for, and what are its side effects and warnings?"
    rest = " ".join(kept)
    rest = rest[0].upper() + rest[1:]
    if drug and drug not in normalise(rest).split():
        return f"About {drug}: {rest}"
    return rest
