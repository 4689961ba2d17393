"""The one slug rule: how a title, tag or region becomes part of an address."""

from __future__ import annotations

import functools
import re
import unicodedata


# the same few tags and regions recur on thousands of exemplars: each is worked out once
@functools.lru_cache(maxsize=1 << 16)
def slugify(text: str) -> str:
    """A URL slug in every script, never empty for a non-blank text.

    'Student Voice' -> 'student-voice' and 'Québec' -> 'quebec' (Latin accents folded to ASCII, so
    existing addresses stay); 'ᐃᓄᒃᑎᑐᑦ' and '図書館' keep their letters, Devanagari its vowel signs;
    a text with no letter or digit at all ('++') becomes its code points ('u2b-2b'). Tags and
    regions get their slugs here (validate.py puts them in the model, so templates and the
    planner never compute one); two values with one slug are an error (claims.py).
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        folded = unicodedata.normalize("NFKD", char)
        plain = folded.encode("ascii", "ignore").decode("ascii")
        if plain and plain.isalnum() and all(unicodedata.combining(c) for c in folded[len(plain):]):
            out.append(plain.lower())  # a Latin letter, with or without accents
        elif char.isalnum() or (out and unicodedata.category(char).startswith("M")):
            out.append(char.lower())  # other scripts' letters and digits, and their vowel signs
        else:
            out.append("-")
    slug = re.sub(r"-+", "-", "".join(out)).strip("-")
    if not slug and text.strip():
        slug = "u" + "-".join(f"{ord(c):x}" for c in text.strip())
    return slug


def ascii_slug(text: str) -> str:
    """'Élève Voice' -> 'eleve-voice': the rule for file names (a-z, 0-9 and '-'), '' when a text
    has no Latin letter or digit."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
