"""What Lumen says when it escalates, refuses or reminds: one place for every safety message."""

from __future__ import annotations

EMERGENCY_NUMBERS = "911 (US), 999 (UK) or 112 (EU)"
POISON_CONTROL = (
    "Poison control: in the US call Poison Help on 1-800-222-1222 (free, 24 hours); in the UK "
    "call NHS 111, or 999 if they are unconscious, fitting or struggling to breathe. Don't make "
    "them vomit, and keep the packet or bottle to show."
)

DISCLAIMER = (
    "Informational only, not medical advice. Lumen does not diagnose or prescribe; talk to a "
    "doctor, nurse or pharmacist about your own situation. In an emergency call "
    f"{EMERGENCY_NUMBERS}."
)
ABSTAIN_TEXT = (
    "I couldn't find a reliable source for that. Lumen only answers from its vetted sources, so "
    "rather than guess it says so. Try rephrasing the question, or ask a qualified professional."
)

EMERGENCY_MESSAGE = (
    "This could be a medical emergency. Call {numbers} now, or go to the nearest emergency "
    "department. Don't wait for an answer here."
)
EMERGENCY_REMINDER = (
    "If this is happening to you or someone else right now, call {numbers} immediately; don't "
    "wait for an answer here."
)
CRISIS_MESSAGE = (
    "I'm really sorry you're going through this. You don't have to face it alone, and talking "
    "to someone right now can help.\n"
    "- US: call or text 988 (988 Suicide & Crisis Lifeline), any time, free.\n"
    "- UK and Ireland: call Samaritans free on 116 123, or text SHOUT to 85258 (UK).\n"
    "- If you or anyone else is in immediate danger, call {numbers}.\n"
    "If you can, tell someone you trust how you're feeling, and stay with them while you reach "
    "out."
)
HARM_TO_OTHERS_LINE = (
    "If you feel you might hurt someone, move away from them and from anything you could use to "
    "hurt them, and call one of these numbers now: they help with this too."
)
CRISIS_REMINDER = (
    "If you're having thoughts of suicide or self-harm, or you're worried about someone, support "
    "is there now: call or text 988 (US), call Samaritans on 116 123 (UK and Ireland), or text "
    "SHOUT to 85258 (UK). In immediate danger, call {numbers}."
)
DOSING_MESSAGE = (
    "I can't give doses of prescription medicines or tell you how to change one: the right dose "
    "{of_drug}depends on you and is set by the clinician who prescribed it. Your prescriber or "
    "pharmacist can check it safely with you. If you've already taken more than prescribed, "
    "contact poison control (US 1-800-222-1222; UK NHS 111)."
)
DOSING_INFO_LINE = "Below is general information {about_drug}instead."
OBTAIN_MESSAGE = (
    "I can't help with getting controlled medicines without a prescription. Pills sold online "
    "or on the street are often counterfeit and can contain fentanyl, which can kill in tiny "
    "amounts. If you think you need this medicine, a doctor can assess you and prescribe it "
    "safely. If you're struggling with drug use, free confidential help is available: in the US "
    "call the SAMHSA National Helpline on 1-800-662-4357 (24 hours); in the UK talk to your GP "
    "or call FRANK on 0300 123 6600."
)
DIAGNOSIS_MESSAGE = (
    "I can't diagnose you: only a clinician who can examine you and ask questions can tell what "
    "is going on. Please see a doctor, nurse or pharmacist, or use Lumen's symptom checker to "
    "see how soon to get help. Below is general information about possible causes, which can't "
    "tell you what you have. If symptoms are severe or getting worse quickly, call "
    f"{EMERGENCY_NUMBERS}."
)
WITHHELD_NOTICE = (
    "(Lumen removed prescription dosing instructions from this answer: your prescriber or "
    "pharmacist sets your dose.)"
)
