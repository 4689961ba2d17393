// Self-assessment: the radios on assess/ become a growth plan. Per theme: where the school is,
// the next phase's statement and the exemplars of that next cell (Leading: "sustain and share").
// A plan, not a score: no totals, no ranking. Choices are keyed by standard, theme and phase ids
// plus the standard's version, kept in localStorage and in the URL fragment (#…), which browsers
// never send to a server: no data leaves the browser, even when a shared link is opened.
"use strict";

(() => {
  const form = document.getElementById("assess-form");
  const source = document.getElementById("assess-data");
  const plan = document.getElementById("plan");
  if (!form || !source || !plan) return;
  const data = JSON.parse(source.textContent);
  const body = document.getElementById("plan-body");
  const note = document.getElementById("plan-note");
  const status = document.getElementById("plan-status");
  const shareLink = document.getElementById("plan-link");
  const tools = plan.querySelector(".plan-tools");
  const levels = [...data.levels].sort((a, b) => a.order - b.order);
  const levelById = new Map(levels.map((lv) => [lv.id, lv]));
  const standards = new Map(data.standards.map((s) => [s.id, s]));
  // one key per site: two sites on one host (github.io/a/, github.io/b/) keep separate plans
  const siteRoot = new URL(form.dataset.siteRoot, document.baseURI).pathname;
  const STORAGE_KEY = `rubricsite:growth-plan:${siteRoot}`;

  // state: { standardId: { version, choices: { themeId: levelId } } }, ids only

  /** Keep only ids this rubric knows; say which standards were saved under another version. */
  function clean(raw) {
    const state = {};
    const stale = [];
    for (const [standardId, saved] of Object.entries(raw || {})) {
      const standard = standards.get(standardId);
      if (!standard || !saved || typeof saved.choices !== "object") continue;
      const choices = {};
      for (const theme of standard.themes) {
        const level = saved.choices[theme.id];
        if (levelById.has(level)) choices[theme.id] = level;
      }
      if (Object.keys(choices).length === 0) continue;
      // the saved version stays until the next change, so the note below stays until then too
      const version = saved.version ?? standard.version;
      state[standardId] = { version, choices };
      if (version !== standard.version) stale.push([standard, version]);
    }
    return { state, stale };
  }

  function fromHash(hash) {
    const params = new URLSearchParams(hash.replace(/^#/, ""));
    const raw = {};
    for (const [key, value] of params) {
      const dot = key.indexOf(".");
      const standardId = dot < 0 ? key : key.slice(0, dot);
      raw[standardId] ||= { version: undefined, choices: {} };
      if (dot < 0) raw[standardId].version = value;
      else raw[standardId].choices[key.slice(dot + 1)] = value;
    }
    return raw;
  }

  function toHash(state) {
    const parts = [];
    for (const [standardId, { version, choices }] of Object.entries(state)) {
      parts.push(`${standardId}=${encodeURIComponent(version)}`);
      for (const [themeId, levelId] of Object.entries(choices)) {
        parts.push(`${standardId}.${themeId}=${levelId}`);
      }
    }
    return parts.length ? `#${parts.join("&")}` : "";
  }

  function fromStorage() {
    try {
      return JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
    } catch {
      return {}; // storage turned off or damaged: start empty
    }
  }

  function store(state) {
    try {
      if (Object.keys(state).length) localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      status.textContent = "This browser does not allow saving: use the link to keep the plan.";
    }
  }

  function fromForm() {
    const state = {};
    for (const fieldset of form.querySelectorAll("fieldset[data-theme]")) {
      const checked = fieldset.querySelector("input[type=radio]:checked");
      if (!checked) continue;
      const standardId = fieldset.dataset.standard;
      const standard = standards.get(standardId);
      state[standardId] ||= { version: standard.version, choices: {} };
      state[standardId].choices[fieldset.dataset.theme] = checked.value;
    }
    return state;
  }

  function toForm(state) {
    for (const fieldset of form.querySelectorAll("fieldset[data-theme]")) {
      const level = state[fieldset.dataset.standard]?.choices[fieldset.dataset.theme];
      for (const radio of fieldset.querySelectorAll("input[type=radio]")) {
        radio.checked = radio.value === level;
      }
    }
  }

  /** The step after a phase: the next phase, or null at the last one (sustain and share). */
  function nextLevel(levelId) {
    const at = levels.findIndex((lv) => lv.id === levelId);
    return at + 1 < levels.length ? levels[at + 1] : null;
  }

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  }

  function badge(level, code) {
    const span = el("span", { className: `phase phase-${level.id}` });
    if (code) span.append(el("span", { className: "cell-code", textContent: code }), " ");
    span.append(level.label);
    return span;
  }

  function exemplarList(cell, intro) {
    const part = document.createDocumentFragment();
    const cellLink = el("a", { href: cell.url, textContent: cell.code });
    if (cell.exemplars.length === 0) {
      part.append(el("p", { className: "plan-none" },
        `No exemplar shows ${cell.code} yet. `, el("a", { href: cell.url, textContent: `Open ${cell.code}` }),
        " to read it and suggest one."));
      return part;
    }
    part.append(el("p", { className: "plan-see" }, `${intro} (`, cellLink, "):"));
    const list = el("ul", { className: "plan-exemplars" });
    for (const e of cell.exemplars) list.append(el("li", {}, el("a", { href: e.url, textContent: e.title })));
    part.append(list);
    return part;
  }

  function themeEntry(standard, theme, levelId) {
    const item = el("li", { className: "plan-theme" });
    item.dataset.theme = theme.id;
    item.append(el("h4", { textContent: `${theme.code}. ${theme.title}` }));
    const level = levelById.get(levelId);
    if (!level) {
      item.dataset.current = "";
      const to = el("a", { href: `#fs-${standard.id}--${theme.id}`, textContent: "choose a phase" });
      to.dataset.focusTarget = "";
      item.append(el("p", { className: "plan-unplaced muted" }, "Not placed yet: ", to, "."));
      return item;
    }
    item.dataset.current = level.id;
    const now = theme.cells[level.id];
    item.append(el("p", { className: "plan-now" }, el("strong", { textContent: "Where you are: " }),
      badge(level, now?.code)));
    item.append(el("p", { className: "plan-now-statement", textContent: now ? now.statement : level.summary }));
    const next = nextLevel(level.id);
    if (next) {
      item.dataset.next = next.id;
      const cell = theme.cells[next.id];
      item.append(el("p", { className: "plan-next-label" }, el("strong", { textContent: "Next step: " }),
        badge(next, cell.code)));
      item.append(el("blockquote", { className: `indicator plan-next phase-${next.id}` },
        el("p", { textContent: cell.statement })));
      item.append(exemplarList(cell, "See it in action"));
    } else {
      item.dataset.next = "sustain";
      item.append(el("p", { className: "plan-next-label" }, el("strong", { textContent: "Next step: " }),
        "Sustain and share"));
      item.append(el("p", { className: "plan-next plan-sustain",
        textContent: "Keep this practice strong as people and plans change, and share it so other schools can learn from it." }));
      item.append(exemplarList(now, "Leading practice others have shared"));
    }
    return item;
  }

  function draw(state, stale = []) {
    body.replaceChildren();
    const placed = Object.keys(state).length > 0;
    tools.hidden = !placed;
    document.body.classList.toggle("has-plan", placed); // print shows the plan alone
    shareLink.parentElement.hidden = !placed;
    if (!placed) {
      body.append(el("p", { className: "plan-empty",
        textContent: "Choose a phase for a theme above, and its next step appears here." }));
    }
    for (const standard of data.standards) {
      if (!placed) break;
      const choices = state[standard.id]?.choices || {};
      // a div, not a named section: the form above already has a landmark with this name
      const section = el("div", { className: "plan-standard" });
      section.append(el("h3", { id: `plan-${standard.id}`, textContent: standard.short_title }));
      const list = el("ul", { className: "plan-themes" });
      for (const theme of standard.themes) list.append(themeEntry(standard, theme, choices[theme.id]));
      section.append(list);
      body.append(section);
    }
    note.hidden = stale.length === 0;
    note.textContent = stale.map(([standard, old]) =>
      `These choices were made with version ${old ?? "unknown"} of ${standard.short_title}; ` +
      `it is now version ${standard.version}. Its statements may have changed: check each choice.`).join(" ");
    const url = new URL(location.href);
    url.hash = toHash(state);
    shareLink.href = url.href;
    drawHints(state);
  }

  // Under each theme's choices, its next step in one line, so the effect of a choice shows
  // where it was made, with a way down to the whole plan.
  function drawHints(state) {
    for (const fieldset of form.querySelectorAll("fieldset[data-theme]")) {
      fieldset.querySelector(".assess-next")?.remove();
      const level = levelById.get(state[fieldset.dataset.standard]?.choices[fieldset.dataset.theme]);
      if (!level) continue;
      const theme = standards.get(fieldset.dataset.standard).themes.find((t) => t.id === fieldset.dataset.theme);
      const next = nextLevel(level.id);
      const hint = el("p", { className: "assess-next" }, el("strong", { textContent: "Next step: " }),
        next ? badge(next, theme.cells[next.id].code) : "sustain and share", " · ",
        el("a", { className: "assess-to-plan", href: "#plan", textContent: "see it in your plan" }));
      fieldset.append(hint);
    }
  }

  function remember(state) {
    store(state);
    const url = new URL(location.href);
    url.hash = toHash(state);
    history.replaceState(null, "", url.hash ? url : url.pathname + url.search);
  }

  function csv(state) {
    const quote = (v) => `"${String(v ?? "").replaceAll('"', '""')}"`;
    const rows = [["standard", "standard_version", "theme", "theme_code", "theme_title", "current_phase",
      "current_code", "next_step", "next_code", "next_statement", "exemplars"]];
    for (const standard of data.standards) {
      const choices = state[standard.id]?.choices || {};
      for (const theme of standard.themes) {
        const level = levelById.get(choices[theme.id]);
        if (!level) continue;
        const now = theme.cells[level.id];
        const next = nextLevel(level.id);
        const cell = next ? theme.cells[next.id] : now;
        const links = cell.exemplars.map((e) => `${e.title} <${new URL(e.url, document.baseURI).href}>`);
        rows.push([standard.id, standard.version, theme.id, theme.code, theme.title, level.label,
          now ? now.code : "", next ? next.label : "Sustain and share", cell.code,
          next ? cell.statement : "", links.join("; ")]);
      }
    }
    return `${rows.map((row) => row.map(quote).join(",")).join("\r\n")}\r\n`;
  }

  function download(state) {
    // a BOM, so spreadsheet programs read the accents of French titles as UTF-8
    const blob = new Blob(["\ufeff", csv(state)], { type: "text/csv;charset=utf-8" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "growth-plan.csv" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
    status.textContent = "The plan was downloaded as growth-plan.csv.";
  }

  function apply(raw) {
    const { state, stale } = clean(raw);
    toForm(state);
    draw(state, stale);
    return state;
  }

  function themeTitle(fieldset) {
    return fieldset.querySelector("legend").textContent.trim();
  }

  form.addEventListener("change", (event) => {
    const state = fromForm();
    remember(state);
    draw(state);
    const fieldset = event.target.closest("fieldset");
    const next = nextLevel(event.target.value);
    status.textContent = `Plan updated for ${themeTitle(fieldset)}: next step, ` +
      `${next ? next.label : "sustain and share"}.`;
  });
  form.addEventListener("submit", (event) => event.preventDefault());

  document.getElementById("plan-print").addEventListener("click", () => window.print());
  document.getElementById("plan-csv").addEventListener("click", () => download(fromForm()));
  document.getElementById("plan-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(shareLink.href);
      status.textContent = "Link copied. Anyone who opens it sees these choices.";
    } catch {
      status.textContent = "Copying is not allowed here: copy the “Link to this plan” link instead.";
    }
  });
  document.getElementById("plan-clear").addEventListener("click", () => {
    remember({});
    apply({});
    status.textContent = "Your choices are cleared from this browser.";
    form.querySelector("input[type=radio]")?.focus();
  });

  // in-page links (to the plan, back to a theme) move focus without touching the fragment,
  // which holds the plan
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.assess-to-plan, a[data-focus-target]");
    if (!link) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    const focusable = target.matches("fieldset") ? target.querySelector("input:checked, input") : target;
    target.scrollIntoView({ block: "start" });
    focusable.focus({ preventScroll: true });
  });
  window.addEventListener("hashchange", () => {
    const raw = fromHash(location.hash);
    if (Object.keys(clean(raw).state).length) {
      const state = apply(raw);
      store(state);
    }
  });

  const shared = fromHash(location.hash);
  const initial = Object.keys(clean(shared).state).length ? shared : fromStorage();
  const state = apply(initial);
  if (initial === shared) store(state); // opening a shared plan makes it this browser's plan
  document.querySelector(".assess-intro").hidden = false;
  plan.hidden = false;
})();
