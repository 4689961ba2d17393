"""Reading pages in a real browser: the resource first, titles in their language, and paper."""

from __future__ import annotations

import re

import pytest

STANDARD = "collaborative-engagement"
PRINTED = {
    "cell": f"{STANDARD}/vision-for-learning/established/",
    "theme": f"{STANDARD}/vision-for-learning/",
    "exemplar": "exemplars/climate-change-jigsaw-approach/",
    "tag": "tags/inquiry/",
}


@pytest.mark.parametrize("width, height", [(1280, 800), (360, 640)])
def test_an_exemplar_opens_its_resource_from_the_top(page, served, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(served.url("exemplars/climate-change-jigsaw-approach/"))
    button = page.locator(".resource-first a", has_text="Open the resource")
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= height  # no scrolling
    first = page.locator(".references .citation a").first.get_attribute("href")
    assert button.get_attribute("href") == first
    assert "on bestlibrary.org" in page.inner_text(".resource-first")


def test_a_french_title_is_marked_french(page, served):
    page.goto(served.url("exemplars/le-marketing-des-carrefours-dapprentissage/"))
    assert page.get_attribute("h1", "lang") == "fr"
    assert page.get_attribute(".citation cite", "lang") == "fr"
    page.goto(served.url("exemplars/"))
    card = page.locator(".card-title a", has_text="Le marketing des carrefours")
    assert card.get_attribute("lang") == "fr"


@pytest.mark.parametrize("name", PRINTED)
def test_printed_pages_show_addresses_and_never_say_click(page, served, name):
    page.goto(served.url(PRINTED[name]))
    page.emulate_media(media="print")
    links = page.evaluate("""() => [...document.querySelectorAll('main a[href]')]
        .filter(a => a.getClientRects().length && !a.getAttribute('href').startsWith('#'))
        .map(a => [a.textContent.trim(), a.href, getComputedStyle(a, '::after').content])""")
    assert links
    bare = [text for text, href, after in links if href not in after and text != href]
    assert bare == []  # every printed link carries its address, or is one
    assert all(served.base in after for _, href, after in links if href.startswith(served.base))
    words = page.inner_text("main")
    assert not re.search(r"\b(click|tap)\b|\bOpen (the|this|it|[A-Z]\d)\b", words, re.IGNORECASE), name


@pytest.mark.parametrize("path", ["", "exemplars/", f"{STANDARD}/vision-for-learning/established/"])
def test_a_favicon_and_no_missing_file(page, served, path):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(served.url(path))
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").evaluate("l => l.href")
    assert icon.startswith(served.url("assets/favicon.svg"))
    assert page.request.get(icon).status == 200
    assert missing == []
