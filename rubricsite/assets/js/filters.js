// Exemplar filters: narrow the grouped list on exemplars/ by standard, theme, phase, region,
// grade band and tag. Each card carries the ids of its cell and exemplar (data-* attributes), the
// choices live in the URL query (?theme=…&phase=…), so a filtered view can be shared, survives a
// reload, and the back button steps back through earlier choices. Without JavaScript the form
// stays hidden and the full list is the page.
"use strict";

(() => {
  const form = document.getElementById("filters");
  const groups = document.getElementById("exemplar-groups");
  if (!form || !groups) return;
  const count = document.getElementById("filter-count");
  const empty = document.getElementById("filter-empty");
  const clear = document.getElementById("filter-clear");
  const cards = [...groups.querySelectorAll(".exemplar-card[data-slug]")];
  const total = new Set(cards.map((card) => card.dataset.slug)).size;

  // URL parameter -> how a card matches a chosen value. A card is one exemplar in one cell, so
  // theme and phase together mean "shown in that cell", not "somewhere in each".
  const FACETS = {
    standard: (card, v) => card.dataset.standard === v,
    theme: (card, v) => card.dataset.theme === v,
    phase: (card, v) => card.dataset.level === v,
    region: (card, v) => card.dataset.region === v,
    grade: (card, v) => card.dataset.grades.split(" ").includes(v),
    tag: (card, v) => card.dataset.tags.split(" ").includes(v),
  };

  function chosen() {
    const state = {};
    for (const name of Object.keys(FACETS)) {
      const value = form.elements[name].value;
      if (value) state[name] = value;
    }
    return state;
  }

  // other names a hand-written link may use (DESIGN.md says "level" and "phase" alike)
  const ALIASES = { phase: "level", grade: "grades", tag: "tags" };

  // Only values the page offers are taken from a URL: a stale link shows more, never nothing.
  function fromQuery(search) {
    const params = new URLSearchParams(search);
    for (const name of Object.keys(FACETS)) {
      const select = form.elements[name];
      const value = params.get(name) || params.get(ALIASES[name]) || "";
      select.value = [...select.options].some((o) => o.value === value) ? value : "";
    }
  }

  function toQuery(state) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(state)) params.set(name, value);
    const query = params.toString();
    return query ? `?${query}` : location.pathname;
  }

  const slugsMatching = (state) => {
    const tests = Object.entries(state).map(([name, value]) => (card) => FACETS[name](card, value));
    return new Set(cards.filter((card) => tests.every((test) => test(card))).map((card) => card.dataset.slug));
  };

  // Each option says how many exemplars it would show, given the other filters as they are.
  function drawCounts(state) {
    for (const name of Object.keys(FACETS)) {
      const others = { ...state };
      delete others[name];
      for (const option of form.elements[name].options) {
        option.dataset.label ??= option.textContent;
        const n = slugsMatching(option.value ? { ...others, [name]: option.value } : others).size;
        option.textContent = `${option.dataset.label} (${n})`;
      }
    }
  }

  // What is on, in words and whole names: shown in the panel's heading, so a folded panel on a
  // phone still says it, and under the theme list, whose closed box may cut a long name.
  function drawChosen(state) {
    const said = Object.keys(state).map((name) => {
      const select = form.elements[name];
      const label = form.querySelector(`label[for="${select.id}"]`).textContent.trim();
      return `${label}: ${select.selectedOptions[0].dataset.label ?? select.selectedOptions[0].textContent}`;
    });
    const summary = document.getElementById("filter-summary");
    if (summary) summary.textContent = said.length ? ` (${said.length} on: ${said.join("; ")})` : "";
    const theme = document.getElementById("filter-theme-chosen");
    if (theme) {
      theme.hidden = !state.theme;
      theme.textContent = state.theme ? `Theme shown: ${form.elements.theme.selectedOptions[0].dataset.label}` : "";
    }
  }

  function apply() {
    const state = chosen();
    drawCounts(state);
    drawChosen(state);
    const tests = Object.entries(state).map(([name, value]) => (card) => FACETS[name](card, value));
    const shown = new Set();
    for (const card of cards) {
      const match = tests.every((test) => test(card));
      card.hidden = !match;
      if (match) shown.add(card.dataset.slug);
    }
    // a heading whose cards are all hidden goes too, from the cell up to the standard
    for (const block of groups.querySelectorAll(".cell-group, .theme-group, .standard-group")) {
      block.hidden = !block.querySelector(".exemplar-card:not([hidden])");
    }
    const n = shown.size;
    const filtered = tests.length > 0;
    count.textContent = filtered
      ? `${n} of ${total} exemplar${total === 1 ? "" : "s"} match${n === 1 ? "es" : ""}.`
      : `Showing all ${total} exemplar${total === 1 ? "" : "s"}.`;
    empty.hidden = n > 0;
    return state;
  }

  form.addEventListener("change", () => {
    const state = apply();
    const next = toQuery(state);
    if (next !== location.search && !(next === location.pathname && !location.search)) {
      history.pushState(state, "", next);
    }
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  clear.addEventListener("click", () => {
    form.reset();
    form.dispatchEvent(new Event("change"));
  });
  window.addEventListener("popstate", () => {
    fromQuery(location.search);
    apply();
  });

  fromQuery(location.search);
  // on a phone the lists start folded, so the first exemplars show without scrolling
  const panel = document.getElementById("filter-panel");
  if (panel && matchMedia("(max-width: 47.99rem)").matches) panel.open = false;
  form.hidden = false;
  apply();
})();
