"""A deterministic benchmark corpus: N exemplars of ~570 words over every cell of the shipped rubric.

The same seed and N always give the same files, so runs on different days and machines compare.
Each exemplar is also written as a Pelican article and as a Hugo page (same Markdown body), so
every generator builds the same content.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
THEMES = ("vision-for-learning", "design-for-collaboration", "partners-in-collaborative-learning",
          "student-and-community-partnerships", "school-administration-partnerships",
          "district-administration-and-consultant-partnerships")
LEVELS = ("emerging", "evolving", "established", "leading")
REGIONS = ("Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador",
           "Nova Scotia", "Ontario", "Prince Edward Island", "Quebec", "Saskatchewan", "Yukon")
GRADES = ("K-3", "4-6", "7-8", "9-12")
TAGS = ("reading", "inquiry", "maker space", "student voice", "video", "collaborative planning",
        "digital literacy", "community", "professional learning", "assessment", "indigenous ways",
        "coding", "research", "family literacy", "makerspace", "book clubs", "podcast",
        "citizenship", "wellness", "science", "history", "math", "art", "music", "newcomers")
KINDS = ("article", "video", "website", "report", "blog post", "slides", "handbook")

WORDS = tuple("""\
learning commons library teacher librarian students inquiry collaboration school community
program design team principal district consultant reading writing research project classroom
partners families space resources digital literacy questions evidence practice growth planning
teaching assessment feedback goals shared vision culture leadership makerspace technology books
culture voice choice engagement reflection conversation co-teaching timetable schedule budget
collection access equity inclusion wellbeing curiosity creativity critical thinking skills
communication citizenship local global stories knowledge understanding connections partnership
mentor workshop session meeting year term unit lesson activity task product audience
celebration data survey interview observation portfolio exhibition display showcase network
staff board""".split())  # noqa: SIM905 - a block of prose reads best
VERBS = tuple("""\
builds invites shapes supports extends connects gathers guides models shares plans explores
documents tracks designs opens welcomes grows sustains strengthens""".split())  # noqa: SIM905 - a block of prose reads best
SURNAMES = ("Koechlin", "Loertscher", "Zwaan", "Asselin", "Branch", "Oberg", "Kuhlthau", "Todd",
            "Haycock", "Ekdahl", "Doiron", "Brown", "Martin", "Singh", "Tremblay", "Nguyen")


@dataclass(frozen=True)
class Corpus:
    """Where a generated corpus lives: our site folder and the equivalent Pelican and Hugo projects."""

    site: Path
    pelican: Path
    hugo: Path
    slugs: tuple[str, ...]

    def exemplar(self, index: int) -> Path:
        return self.site / "content" / "exemplars" / f"{self.slugs[index]}.md"


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    words.insert(rng.randint(1, len(words) - 1), rng.choice(VERBS))
    if rng.random() < 0.25:  # some inline markup, as real stories have
        at = rng.randrange(len(words))
        words[at] = rng.choice(("*", "**")).join(("", words[at], "")) if rng.random() < 0.5 \
            else f"[{words[at]}](https://example.org/{words[at]}/{rng.randint(1, 999)})"
    if rng.random() < 0.2:  # apostrophes, quotes and dashes, which real stories are full of
        at = rng.randrange(len(words))
        words[at] = rng.choice((f"{words[at]}'s", f'"{words[at]}"', f"{words[at]} --"))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _citation(rng: random.Random) -> tuple[str, int]:
    return rng.choice(SURNAMES), rng.randint(1998, 2025)


def body(rng: random.Random) -> str:
    """A ~570-word story: headings, paragraphs with links and citations, lists, a quote."""
    author, year = _citation(rng)
    parts = [
        "## What it shows", _paragraph(rng, 7),
        f"{_paragraph(rng, 5)} As {author} ({year}) puts it, the space matters less than the "
        "partnerships that fill it.",
        "### How it started", _paragraph(rng, 6),
        "\n".join(f"- {_sentence(rng, 5, 10)}" for _ in range(rng.randint(3, 5))),
        "## Why it fits this cell", _paragraph(rng, 6),
        f"> {_sentence(rng, 12, 20)} ({_citation(rng)[0]}, {_citation(rng)[1]})",
        "## Try it in your school",
        "\n".join(f"{n}. {_sentence(rng, 6, 12)}" for n in range(1, rng.randint(4, 6))),
        _paragraph(rng, 4),
        "### Read more",
        "\n".join(f"- {a}, {y}: [{_sentence(rng, 3, 5)[:-1]}](https://example.org/read/{a.lower()}-{y})"
                  for a, y in (_citation(rng) for _ in range(3))),
    ]
    return "\n\n".join(parts) + "\n"


def _front_matter(rng: random.Random, index: int, title: str, theme: str, level: str) -> dict:
    author, year = _citation(rng)
    return {
        "title": title,
        "theme": theme,
        "level": level,
        "summary": _sentence(rng, 10, 16),
        "region": rng.choice(REGIONS),
        "grades": sorted(rng.sample(GRADES, rng.randint(1, 2)), key=GRADES.index),
        "tags": rng.sample(TAGS, 3),
        "date": f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "resources": [{"title": _sentence(rng, 4, 8)[:-1], "author": f"{author}, A.", "year": year,
                       "url": f"https://example.org/resource/{index}", "kind": rng.choice(KINDS),
                       "annotation": _sentence(rng, 12, 20)}],
    }


# What `pelican-quickstart` writes (feeds off, pagination on), plus the content cache for the
# cached runs: Pelican's own defaults otherwise, Markdown settings included
PELICAN_CONF = '''\
AUTHOR = "Benchmark"
SITENAME = "Leading Learning"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LINKS = ()
SOCIAL = ()
DEFAULT_PAGINATION = 10
CACHE_CONTENT = %(cache)s
LOAD_CONTENT_CACHE = %(cache)s
CACHE_PATH = "cache"
'''


# Hugo at its defaults (RSS, sitemap, tags and categories on), with the smallest layouts that draw
# what our pages show: a frame with the site's menu, the story inside data-pagefind-body (so
# Pagefind indexes the same text), its tags, and list pages of titles and summaries.
HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "en"
title = "Leading Learning"
[taxonomies]
  tag = "tags"
  category = "categories"
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify }}{{ end }}">
<link rel="stylesheet" href="{{ "site.css" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Taxonomies.categories }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>The rubric is from Leading Learning, CC BY-NC 4.0.</p></footer>
</body></html>
""",
    "_default/single.html": """\
{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
<p class="lede">{{ .Params.summary }}</p>
{{ .Content }}
<p>{{ range .Params.tags }}<a href="{{ (urlize (printf "tags/%s" .)) | relURL }}">{{ . }}</a> {{ end }}</p>
</article>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<p>{{ .Params.summary }}</p></li>{{ end }}</ul>{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1><ul>{{ range site.RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}


def _write_hugo_project(hugo: Path) -> None:
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = hugo / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate(target: Path, count: int, seed: int = 20261129) -> Corpus:
    """Write our site (shipped rubric and site.yaml), the Pelican and the Hugo project under target."""
    rng = random.Random(seed * 100_003 + count)
    site, pelican, hugo = target / "site", target / "pelican", target / "hugo"
    for folder in (site, pelican, hugo):
        if folder.exists():
            shutil.rmtree(folder)
    shutil.copytree(PROJECT / "rubric", site / "rubric")
    shutil.copy(PROJECT / "site.yaml", site / "site.yaml")
    exemplars = site / "content" / "exemplars"
    articles = pelican / "content"
    hugo_pages = hugo / "content" / "exemplars"
    for folder in (exemplars, articles, hugo_pages):
        folder.mkdir(parents=True)
    _write_hugo_project(hugo)
    cells = [(t, lv) for t in THEMES for lv in LEVELS]
    slugs = []
    for index in range(count):
        theme, level = cells[index % len(cells)]  # every cell, evenly
        title = f"{_sentence(rng, 3, 6)[:-1]} {index}"
        slug = f"exemplar-{index:05d}"
        meta = _front_matter(rng, index, title, theme, level)
        story = body(rng)
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
        (exemplars / f"{slug}.md").write_text(f"---\n{front}---\n\n{story}", encoding="utf-8")
        pelican_meta = (f"Title: {title}\nDate: {meta['date']}\nCategory: {theme}\n"
                        f"Tags: {', '.join(meta['tags'])}\nSlug: {slug}\n"
                        f"Summary: {meta['summary']}\n\n")
        (articles / f"{slug}.md").write_text(pelican_meta + story, encoding="utf-8")
        hugo_meta = {"title": title, "date": meta["date"], "categories": [theme], "tags": meta["tags"],
                     "summary": meta["summary"]}
        hugo_front = yaml.safe_dump(hugo_meta, sort_keys=False, allow_unicode=True, width=1000)
        (hugo_pages / f"{slug}.md").write_text(f"---\n{hugo_front}---\n\n{story}", encoding="utf-8")
        slugs.append(slug)
    for name, cache in (("pelicanconf.py", "True"), ("nocacheconf.py", "False")):
        (pelican / name).write_text(PELICAN_CONF % {"cache": cache}, encoding="utf-8")
    return Corpus(site, pelican, hugo, tuple(slugs))


if __name__ == "__main__":
    import sys

    made = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    print(made.site, made.pelican, made.hugo)
