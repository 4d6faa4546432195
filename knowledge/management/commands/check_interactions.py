"""Check drugs for interactions from the command line, with the same engine as the patient
interaction checker."""

from __future__ import annotations

import json
import textwrap

from django.core.management.base import BaseCommand, CommandError

from knowledge.interactions import InteractionCheck, check_names


class Command(BaseCommand):
    help = (
        "List every interacting pair among DRUGs (generic names, brands, synonyms, RxCUIs; "
        "misspellings are matched to the closest known name) with severity, mechanism, "
        "management and source. --json prints {unknown, interactions}."
    )

    def add_arguments(self, parser):
        parser.add_argument("drugs", nargs="+", metavar="DRUG")
        parser.add_argument("--json", dest="as_json", action="store_true")

    def handle(self, *args, drugs: list[str], as_json: bool, **options):
        result = check_names(drugs)
        if as_json:
            payload = {
                "unknown": result.unknown,
                "interactions": [found.as_dict() for found in result.interactions],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self._table(result)
        if len(result.drugs) < 2:
            recognised = ", ".join(d.name for d in result.drugs) or "none"
            raise CommandError(
                f"Need at least two recognised drugs to check (recognised: {recognised})."
            )

    def _table(self, result: InteractionCheck) -> None:
        if result.unknown:
            self.stdout.write("Not recognised: " + ", ".join(result.unknown))
        if result.drugs:
            self.stdout.write("Checked: " + ", ".join(d.name for d in result.drugs))
        if len(result.drugs) < 2:
            return
        if not result.interactions:
            self.stdout.write(
                "No interactions found among these drugs in Lumen's rules. That does not "
                "prove the combination is safe: ask a pharmacist."
            )
            return
        width = max(len(f"{f.a.name} + {f.b.name}") for f in result.interactions)
        self.stdout.write(f"\n{'#':>2}  {'SEVERITY':<9} {'DRUGS':<{width}}")
        for n, found in enumerate(result.interactions, start=1):
            pair = f"{found.a.name} + {found.b.name}"
            self.stdout.write(f"{n:>2}  {found.severity.upper():<9} {pair:<{width}}")
        for n, found in enumerate(result.interactions, start=1):
            self.stdout.write(f"\n{n}. {found.a.name} + {found.b.name} ({found.severity})")
            for label, text in (
                ("Why", found.rule.mechanism),
                ("What to do", found.rule.management),
                ("Source", " ".join(filter(None, [found.rule.source, found.rule.source_url]))),
            ):
                self.stdout.write(
                    textwrap.fill(
                        text,
                        width=100,
                        initial_indent=f"   {label + ':':<12}",
                        subsequent_indent=" " * 15,
                    )
                )
