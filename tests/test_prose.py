"""The quick way for plain prose (rubricsite.prose) gives exactly Python-Markdown's HTML, or refuses."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from rubricsite.markup import make_converter, sanitise, to_html
from rubricsite.prose import Prose

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from corpus import body  # the benchmark's realistic stories

# what the quick way accepts, and the marks next to which its rules are the most delicate
TOKENS = ["word", "Word", "it", "s", "80", "é", " ", " ", "\n", "\n\n", "*", "**", "[", "]",
          "](https://example.org/a)", "(", ")", "'", '"', "--", "---", "...", ".", ",", ":", "!",
          "?", "-", "–", "—", "- ", "1. ", "3. ", "> ", ">", "## ", "# ", "#", "=", "===", "'s ",
          "'80s", "[a](https://x.org/b)", "*a*", "**b**", "x"]


def _mixed(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 40))) for _ in range(count)]


INLINE = ["word", "it", "s", "80", "é", " ", " ", " ", "word ", " the", "'", '"', "--", "---", "...", ".",
          ",", ":", "!", "?", "-", "–", "(", ")", "'s", "'80s", "[a](https://x.org/b)", "*a b*",
          "**b**", "[c *d* 'e'](https://x.org/c)", "[f [g](https://x.org/g) h](https://x.org/f)"]


def _structured(count: int, seed: int) -> list[str]:
    """Stories of headings, paragraphs, lists and quotes whose text mixes the inline marks."""
    rng = random.Random(seed)

    def text() -> str:
        return "".join(rng.choice(INLINE) for _ in range(rng.randint(1, 14))).strip() or "w"

    def block() -> str:
        kind = rng.choice(("p", "p", "h", "ul", "ol", "quote"))
        lines = [text() for _ in range(rng.randint(1, 3))]
        if kind == "h":
            return f"{'#' * rng.randint(1, 4)} {rng.choice(['Why it fits', 'A3: step 2', 'Read more'])}"
        if kind == "ul":
            return "\n".join(f"- {line}" for line in lines)
        if kind == "ol":
            first = rng.choice((1, 1, 3))
            return "\n".join(f"{first + n}. {line}" for n, line in enumerate(lines))
        if kind == "quote":
            return "\n".join(f"> {line}" for line in lines)
        return "\n".join(lines)

    return ["\n" * rng.randint(0, 3) + "\n\n".join(block() for _ in range(rng.randint(1, 6)))
            + "\n" * rng.randint(0, 3) for _ in range(count)]


def _mismatches(samples: list[str]) -> tuple[list[str], int]:
    plain, quick = make_converter(quick=False), Prose(make_converter())
    wrong, taken = [], 0
    for source in samples:
        html = quick.convert(source)
        if html is None:
            continue
        taken += 1
        if html != plain.reset().convert(source):
            wrong.append(source)
    return wrong, taken


@pytest.mark.parametrize("seed", range(4))
def test_generated_text_gives_python_markdowns_html_or_is_refused(seed):
    wrong, taken = _mismatches(_mixed(3000, seed))
    assert wrong == []
    assert taken > 100  # the quick way is really tried, not refused every time


@pytest.mark.parametrize("seed", range(4))
def test_generated_stories_give_python_markdowns_html_or_are_refused(seed):
    wrong, taken = _mismatches(_structured(500, seed))
    assert wrong == []
    assert taken > 80


def test_benchmark_stories_take_the_quick_way_and_match():
    stories = ["\n" + body(random.Random(n)) for n in range(60)]  # as after front matter
    wrong, taken = _mismatches(stories)
    assert wrong == []
    assert taken == len(stories)


@pytest.mark.parametrize("source", [
    "<b>html</b>", "a & b", "`code`", "a\\*b", "| a | b |\n| - | - |\n| 1 | 2 |", "A[^1]\n\n[^1]: n",
    "![alt](x.png)", "*[HTML]: H", "```\ncode\n```", "    indented", "- a\n\n- b", "- a\n    - b",
    "Title\n=====", "a\n\n---", "[ref]\n\n[ref]: https://x.org", "a  \nb", "x_y_z", "Term\n: def",
    "## Heading {#id}", "> a\n\n> b", "a > b", "[a](https://x.org \"t\")", "<https://x.org>",
])
def test_what_the_quick_way_refuses_still_converts(source):
    assert Prose(make_converter()).convert(source) is None
    plain = make_converter(quick=False).convert(source)
    assert to_html(source) == sanitise(plain.replace("<h1", "<h2").replace("</h1>", "</h2>"))


def test_the_refusal_is_the_one_regex_it_replaced():
    import re

    from rubricsite.prose import refused
    one_regex = re.compile(r"[<&\\`|{}\t\r\x00-\x08\x0b-\x1f_]|(?<=[^\n])>|\[\^|!\[|(?:^|\n)\*\[|~~~"
                           r"|\n\n\n|[ ]\n|\n[ ]|^\s|\s$")
    marks = [*TOKENS, "<", "&", "\\", "`", "|", "{", "}", "\t", "\r", "\x01", "\x1f", "_", "[^",
             "![", "*[", "~~~", "~~", "\n\n\n", " \n", "\n ", "\xa0", "\u2003"]
    rng = random.Random(11)
    samples = ["".join(rng.choice(marks) for _ in range(rng.randint(1, 12))) for _ in range(30_000)]
    assert [s for s in samples if refused(s) != bool(one_regex.search(s))] == []
    assert 1_000 < sum(map(refused, samples)) < 29_000  # both answers are well represented
