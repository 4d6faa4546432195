"""Answer a question from the command line through the same pipeline as the web pages."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from knowledge.answers import answer
from knowledge.services import flagged_question_record


class Command(BaseCommand):
    help = (
        "Answer QUESTION with Lumen's full pipeline (safety screen, retrieval, generation, "
        "review), as a patient or pharma user would get it. --json prints answer, citations, "
        "flags, escalated and abstained. High-risk questions are queued for staff review."
    )

    def add_arguments(self, parser):
        parser.add_argument("question")
        parser.add_argument("--audience", choices=["patient", "pharma"], default="patient")
        parser.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, question: str, audience: str, as_json: bool, **options):
        if not question.strip():
            raise CommandError("The question is empty.")
        if len(question) > 2000:
            raise CommandError("The question is too long (2,000 characters at most).")
        result = answer(question, audience=audience)
        flagged_question_record(answer=result, audience=audience, channel="cli")
        for_you = "For you:\n" + "\n".join(result.personal_notes) if result.personal_notes else ""
        if as_json:
            payload = {
                "answer": "\n\n".join(filter(None, [result.message, for_you, result.text])),
                "citations": [
                    {
                        "n": i,
                        "title": c.title,
                        "section": c.section,
                        "source": c.source,
                        "url": c.url,
                    }
                    for i, c in enumerate(result.citations, start=1)
                ],
                "flags": result.flags,
                "escalated": result.escalated,
                "abstained": result.abstained,
                "backend": result.backend,
                "notice": result.notice,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        for block in (result.message, for_you, result.notice, result.text):
            if block:
                self.stdout.write(block + "\n")
        for i, c in enumerate(result.citations, start=1):
            self.stdout.write(f"[{i}] {c.label} — {c.source} {c.url}")
        if result.flags:
            self.stdout.write(f"flags: {', '.join(result.flags)}")
