"""Drug-name normalisation: sources name the same ingredient differently ("atorvastatin
calcium" on a label, "atorvastatin" in RxNorm); Lumen keeps one drug per ingredient."""

from __future__ import annotations

import re

# Salt and ester words that labels append to an ingredient name.
_SALTS = (
    "hydrochloride", "hcl", "hydrobromide", "sodium", "potassium", "calcium", "magnesium",
    "dimesylate", "mesylate", "besylate", "maleate", "fumarate", "succinate", "tartrate",
    "bitartrate", "sulfate", "sulphate", "citrate", "phosphate", "acetate", "bromide",
    "chloride", "monohydrate", "dihydrate", "trihydrate", "anhydrous", "hyclate",
    "propionate", "valerate", "disodium", "tromethamine", "lysine",
)  # fmt: skip
_SALT_TAIL = re.compile(r"(?:\s+(?:" + "|".join(_SALTS) + r"))+$")


def normalise(name: str) -> str:
    """Lower-case, single-spaced name."""
    return " ".join(name.lower().split())


def ingredient_name(name: str) -> str:
    """The ingredient behind a salt name; combinations ("a, b" or "a and b") stay as they are,
    and a name that is nothing but a salt word ("potassium chloride") is kept whole."""
    name = normalise(name)
    if "," in name or " and " in name or "/" in name:
        return name
    stripped = _SALT_TAIL.sub("", name).strip()
    if not stripped or all(word in _SALTS for word in stripped.split()):
        return name  # "potassium chloride" is the ingredient, not a salt of "potassium"
    return stripped
