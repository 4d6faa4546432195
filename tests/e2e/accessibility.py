"""axe-core inside Playwright: `audit(page)` runs the vendored axe-core (tests/e2e/axe/) on
the page as it stands and returns the serious and critical violations, one line each."""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "axe" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page) -> list[str]:
    """Serious and critical axe violations on `page`: 'rule (impact): target — summary'."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            found.append(f"{violation['id']} ({violation['impact']}): {node['target']} — {summary}")
    return found
