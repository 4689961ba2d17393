"""The quick inline pass (markup._QuickInline) gives exactly Python-Markdown's own HTML."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from rubricsite.markup import make_converter

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from corpus import body  # the benchmark's realistic stories

# every character and sequence some inline pattern starts with, and text around them
TOKENS = ["word", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__", "`", "``", "[", "]", "(", ")",
          "![", "[^1]", "[^1]: note", "<", ">", "<<", ">>", "&", "&amp;", "&#39;", "'", '"', "--",
          "---", "...", "\\", "<b>", "</b>", "<http://x.org>", "<a@b.c>", "http://x", "# ", "- ",
          "1. ", "> ", "    ", "|", "~~", "{#id}", "*[HTML]: Hyper", "HTML", "'90s", ":", "[x]: /u"]


def _samples() -> list[str]:
    rng = random.Random(5)
    mixed = ["".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 40))) for _ in range(4000)]
    return mixed + [body(random.Random(n)) for n in range(50)]


@pytest.mark.parametrize("chunk", range(4))
def test_quick_inline_pass_matches_python_markdown(chunk):
    quick, plain = make_converter(quick=True), make_converter(quick=False)
    samples = _samples()[chunk::4]
    different = [s for s in samples if quick.reset().convert(s) != plain.reset().convert(s)]
    assert different == []


def test_quick_inline_pass_is_installed():
    converter = make_converter()
    assert type(converter.treeprocessors["inline"]).__name__ == "_QuickInline"
