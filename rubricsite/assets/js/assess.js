// Self-assessment: the radios on assess/ become a growth plan, and the plan a record of growth.
// Per theme: where the school is, the next phase's statement and the exemplars of that next cell
// (Leading: "sustain and share"), with notes. A plan, not a score: no totals, no ranking.
//
// A plan is keyed by standard, theme and phase ids plus the standard's version:
//   { standardId: { version, choices: { themeId: phaseId }, notes: { themeId: text } } }
// Your plan lives in localStorage and in the URL fragment (#…), which browsers never send to a
// server. A plan from elsewhere (a shared link, a plan file, a snapshot) is shown beside yours and
// never written over it unless you choose "Keep it as my plan". What no longer matches this
// rubric (a theme renamed away, an unknown phase) is kept and shown as such, never dropped.
"use strict";

(() => {
  const form = document.getElementById("assess-form");
  const source = document.getElementById("assess-data");
  const plan = document.getElementById("plan");
  if (!form || !source || !plan) return;
  const data = JSON.parse(source.textContent);
  const $ = (id) => document.getElementById(id);
  const status = $("plan-status");
  const shareLink = $("plan-link");
  const levels = [...data.levels].sort((a, b) => a.order - b.order);
  const levelById = new Map(levels.map((lv) => [lv.id, lv]));
  const standards = new Map(data.standards.map((s) => [s.id, s]));
  const lang = document.documentElement.lang || "en";
  // one key per site: two sites on one host (github.io/a/, github.io/b/) keep separate plans
  const siteRoot = new URL(form.dataset.siteRoot, document.baseURI).pathname;
  const STORAGE_KEY = `rubricsite:growth-plan:${siteRoot}`;
  const SNAPSHOTS_KEY = `rubricsite:growth-plan-snapshots:${siteRoot}`;
  const SCHOOL_KEY = `rubricsite:growth-plan-school:${siteRoot}`;
  const FILE_FORMAT = "rubricsite-growth-plans";
  const FILE_VERSION = 1;
  // the public address of the site: from the canonical link when the build knew its base URL
  const canonical = document.querySelector("link[rel=canonical]")?.href || location.href;
  const siteAddress = new URL(form.dataset.siteRoot, canonical).href;

  // ---- plans: reading what came in, keeping what matches, naming what does not ----

  /** Split a raw plan into what this rubric knows and what it does not (kept, shown). */
  function clean(raw) {
    const state = {};
    const stale = [];
    const unmatched = [];
    for (const [standardId, saved] of Object.entries(raw || {})) {
      if (!saved || typeof saved !== "object") continue;
      const choices = saved.choices && typeof saved.choices === "object" ? saved.choices : {};
      const notes = saved.notes && typeof saved.notes === "object" ? saved.notes : {};
      const standard = standards.get(standardId);
      if (!standard) {
        for (const [theme, level] of Object.entries(choices)) {
          unmatched.push({ standardId, theme, level: String(level), note: notes[theme] || "", why: "standard" });
        }
        continue;
      }
      const kept = { version: saved.version ?? standard.version, choices: {}, notes: {} };
      const known = new Set(standard.themes.map((t) => t.id));
      for (const [theme, level] of Object.entries(choices)) {
        if (known.has(theme) && levelById.has(level)) kept.choices[theme] = level;
        else unmatched.push({ standardId, theme, level: String(level), note: notes[theme] || "",
          why: known.has(theme) ? "phase" : "theme" });
      }
      for (const [theme, text] of Object.entries(notes)) {
        if (known.has(theme) && typeof text === "string" && text.trim()) kept.notes[theme] = text;
        else if (!known.has(theme) && !(theme in choices) && typeof text === "string" && text.trim()) {
          unmatched.push({ standardId, theme, level: "", note: text, why: "theme" });
        }
      }
      if (!Object.keys(kept.choices).length && !Object.keys(kept.notes).length) continue;
      state[standardId] = kept;
      if (String(kept.version) !== String(standard.version)) stale.push([standard, kept.version]);
    }
    return { state, stale, unmatched };
  }

  /** The raw plan holding only what clean() could not match: carried along, never lost. */
  function unmatchedRaw(raw) {
    const out = {};
    for (const item of clean(raw).unmatched) {
      const entry = out[item.standardId] ||= { version: raw[item.standardId]?.version, choices: {}, notes: {} };
      if (item.level) entry.choices[item.theme] = item.level;
      if (item.note) entry.notes[item.theme] = item.note;
    }
    return out;
  }

  function merge(a, b) {
    const out = structuredClone(a);
    for (const [standardId, entry] of Object.entries(b)) {
      const into = out[standardId] ||= { version: entry.version, choices: {}, notes: {} };
      Object.assign(into.choices, entry.choices);
      Object.assign(into.notes ||= {}, entry.notes);
    }
    return out;
  }

  const isEmpty = (raw) => Object.keys(raw || {}).length === 0;

  function themeOrder(standardId, themeId) {
    const at = standards.get(standardId)?.themes.findIndex((t) => t.id === themeId) ?? -1;
    return at < 0 ? Infinity : at;
  }

  function sortedEntries(object, rank) {
    return Object.entries(object || {}).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }

  const standardRank = (id) => {
    const at = data.standards.findIndex((s) => s.id === id);
    return at < 0 ? Infinity : at;
  };

  // ---- the URL fragment: #std=version&std.theme=phase&std.theme.note=text ----

  function fromHash(hash) {
    const params = new URLSearchParams(String(hash).replace(/^#/, ""));
    const raw = {};
    for (const [key, value] of params) {
      const [standardId, theme, field] = key.split(".");
      if (!standardId) continue;
      raw[standardId] ||= { version: undefined, choices: {}, notes: {} };
      if (theme === undefined) raw[standardId].version = value;
      else if (field === "note") raw[standardId].notes[theme] = value;
      else if (field === undefined) raw[standardId].choices[theme] = value;
    }
    return raw;
  }

  function toHash(raw) {
    const params = new URLSearchParams();
    for (const [standardId, entry] of sortedEntries(raw, standardRank)) {
      params.append(standardId, String(entry.version ?? ""));
      const rank = (theme) => themeOrder(standardId, theme);
      for (const [theme, level] of sortedEntries(entry.choices, rank)) params.append(`${standardId}.${theme}`, level);
      for (const [theme, text] of sortedEntries(entry.notes, rank)) params.append(`${standardId}.${theme}.note`, text);
    }
    const text = params.toString();
    return text ? `#${text}` : "";
  }

  const samePlan = (a, b) => toHash(a) === toHash(b);

  // ---- plan files: a versioned JSON file of named, dated plans ----

  function toFilePlan({ name, saved, school, plan: raw }) {
    const out = { name, saved, school: school || "", standards: {} };
    for (const [standardId, entry] of sortedEntries(raw, standardRank)) {
      const themes = {};
      const ids = new Set([...Object.keys(entry.choices || {}), ...Object.keys(entry.notes || {})]);
      for (const theme of [...ids].sort((a, b) => themeOrder(standardId, a) - themeOrder(standardId, b))) {
        themes[theme] = { phase: entry.choices?.[theme] ?? null, notes: entry.notes?.[theme] || "" };
      }
      out.standards[standardId] = { version: String(entry.version ?? ""), themes };
    }
    return out;
  }

  function planFile(plans) {
    return {
      format: FILE_FORMAT, format_version: FILE_VERSION, site: siteAddress,
      exported: new Date().toISOString(), plans: plans.map(toFilePlan),
    };
  }

  /** The plans in a file's parsed JSON, or an Error saying in plain words what is wrong. */
  function fromPlanFile(json) {
    if (!json || json.format !== FILE_FORMAT || !Array.isArray(json.plans)) {
      return new Error("This is not a growth plan file from this site.");
    }
    if (!(Number(json.format_version) <= FILE_VERSION)) {
      return new Error("This plan file was made by a newer version of the site: it cannot be read here.");
    }
    return json.plans.filter((p) => p && typeof p.standards === "object").map((p) => {
      const raw = {};
      for (const [standardId, entry] of Object.entries(p.standards)) {
        const part = raw[standardId] = { version: entry?.version, choices: {}, notes: {} };
        for (const [theme, value] of Object.entries(entry?.themes || {})) {
          if (value?.phase) part.choices[theme] = String(value.phase);
          if (value?.notes) part.notes[theme] = String(value.notes);
        }
      }
      return { name: String(p.name || "Plan from a file"), saved: String(p.saved || json.exported || ""),
        school: String(p.school || ""), plan: raw };
    });
  }

  async function readFile(file) {
    try {
      return fromPlanFile(JSON.parse(await file.text()));
    } catch {
      return new Error(`${file.name} could not be read: it is not a plan file (JSON).`);
    }
  }

  function saveFile(name, json) {
    const blob = new Blob([`${JSON.stringify(json, null, 2)}\n`], { type: "application/json" });
    offer(blob, name);
  }

  function offer(blob, name) {
    const link = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  }

  // ---- storage ----

  function readJson(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null") ?? fallback;
    } catch {
      return fallback; // storage turned off or damaged: start empty
    }
  }

  function writeJson(key, value, empty) {
    try {
      if (empty) localStorage.removeItem(key);
      else localStorage.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    } catch {
      status.textContent = "This browser does not allow saving: use the link or a plan file to keep the plan.";
    }
  }

  // stored as the plan itself, with empty notes left out: an older copy of this script reads it
  function compact(raw) {
    const out = {};
    for (const [standardId, entry] of Object.entries(raw)) {
      const notes = Object.fromEntries(Object.entries(entry.notes || {}).filter(([, t]) => t && t.trim()));
      if (!Object.keys(entry.choices || {}).length && !Object.keys(notes).length) continue;
      out[standardId] = { version: entry.version, choices: { ...entry.choices } };
      if (Object.keys(notes).length) out[standardId].notes = notes;
    }
    return out;
  }

  const storedPlan = () => readJson(STORAGE_KEY, {});
  const storePlan = (raw) => writeJson(STORAGE_KEY, compact(raw), isEmpty(compact(raw)));
  const snapshots = () => (Array.isArray(readJson(SNAPSHOTS_KEY, [])) ? readJson(SNAPSHOTS_KEY, []) : []);
  const storeSnapshots = (list) => writeJson(SNAPSHOTS_KEY, list, list.length === 0);

  // ---- the form: your plan ----

  function fromForm() {
    const state = {};
    for (const fieldset of form.querySelectorAll("fieldset[data-theme]")) {
      const checked = fieldset.querySelector("input[type=radio]:checked");
      const note = fieldset.querySelector("textarea[data-note]")?.value || "";
      if (!checked && !note.trim()) continue;
      const standardId = fieldset.dataset.standard;
      const entry = state[standardId] ||= { version: standards.get(standardId).version, choices: {}, notes: {} };
      if (checked) entry.choices[fieldset.dataset.theme] = checked.value;
      if (note.trim()) entry.notes[fieldset.dataset.theme] = note;
    }
    return state;
  }

  function toForm(state) {
    for (const fieldset of form.querySelectorAll("fieldset[data-theme]")) {
      const entry = state[fieldset.dataset.standard];
      const level = entry?.choices[fieldset.dataset.theme];
      for (const radio of fieldset.querySelectorAll("input[type=radio]")) radio.checked = radio.value === level;
      const note = fieldset.querySelector("textarea[data-note]");
      if (note) note.value = entry?.notes?.[fieldset.dataset.theme] || "";
    }
  }

  // ---- drawing ----

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  /** The step after a phase: the next phase, or null at the last one (sustain and share). */
  function nextLevel(levelId) {
    const at = levels.findIndex((lv) => lv.id === levelId);
    return at + 1 < levels.length ? levels[at + 1] : null;
  }

  function badge(level, code) {
    const span = el("span", { className: `phase phase-${level.id}` });
    if (code) span.append(el("span", { className: "cell-code", textContent: code }), " ");
    span.append(level.label);
    return span;
  }

  function formatDate(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso || "";
    return date.toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric" });
  }

  function exemplarList(cell, intro) {
    const part = document.createDocumentFragment();
    if (cell.exemplars.length === 0) {
      part.append(el("p", { className: "plan-none" }, `No exemplar shows ${cell.code} yet; `,
        el("a", { href: cell.url, textContent: `the ${cell.code} page` }), " invites one."));
      return part;
    }
    part.append(el("p", { className: "plan-see" }, `${intro} (`, el("a", { href: cell.url, textContent: cell.code }), "):"));
    const list = el("ul", { className: "plan-exemplars" });
    for (const e of cell.exemplars) list.append(el("li", {}, el("a", { href: e.url, textContent: e.title })));
    part.append(list);
    return part;
  }

  function notesBlock(text) {
    if (!text || !text.trim()) return null;
    return el("div", { className: "plan-notes" }, el("strong", { textContent: "Notes: " }),
      el("span", { className: "plan-notes-text", textContent: text }));
  }

  function nextStep(item, theme, level) {
    const next = nextLevel(level.id);
    const label = el("p", { className: "plan-next-label" }, el("strong", { textContent: "Next step: " }));
    if (next) {
      item.dataset.next = next.id;
      const cell = theme.cells[next.id];
      label.append(badge(next, cell.code));
      item.append(label, el("blockquote", { className: `indicator plan-next phase-${next.id}` },
        el("p", { textContent: cell.statement })), exemplarList(cell, "See it in action"));
      return;
    }
    item.dataset.next = "sustain";
    label.append("Sustain and share");
    item.append(label, el("p", { className: "plan-next plan-sustain",
      textContent: "Keep this practice strong as people and plans change, and share it so other schools can learn from it." }),
    exemplarList(theme.cells[level.id], "Leading practice others have shared"));
  }

  function themeEntry(standard, theme, entry, own) {
    const item = el("li", { className: "plan-theme" });
    item.dataset.theme = theme.id;
    item.append(el("h4", { textContent: `${theme.code}. ${theme.title}` }));
    const level = levelById.get(entry?.choices[theme.id]);
    const note = notesBlock(entry?.notes?.[theme.id]);
    if (!level) {
      item.dataset.current = "";
      const unplaced = el("p", { className: "plan-unplaced muted" }, "Not placed yet");
      if (own) {
        const to = el("a", { href: `#fs-${standard.id}--${theme.id}`, textContent: "choose a phase" });
        to.dataset.focusTarget = "";
        unplaced.append(": ", to);
      }
      unplaced.append(".");
      item.append(unplaced, note);
      return item;
    }
    item.dataset.current = level.id;
    const now = theme.cells[level.id];
    item.append(el("p", { className: "plan-now" }, el("strong", { textContent: own ? "Where you are: " : "Placed at: " }), badge(level, now?.code)),
      el("p", { className: "plan-now-statement", textContent: now ? now.statement : level.summary }));
    nextStep(item, theme, level);
    if (note) item.append(note);
    return item;
  }

  /** A whole plan as headed lists of themes; own: links back to the form's choices. */
  function planView(state, own) {
    const part = document.createDocumentFragment();
    for (const standard of data.standards) {
      // a div, not a named section: the form above already has a landmark with this name
      const section = el("div", { className: "plan-standard" });
      section.append(el("h3", { textContent: standard.short_title }));
      const list = el("ul", { className: "plan-themes" });
      for (const theme of standard.themes) list.append(themeEntry(standard, theme, state[standard.id], own));
      section.append(list);
      part.append(section);
    }
    return part;
  }

  /** The note above a plan: an older rubric version, and what no longer matches it. */
  function drawNote(node, stale, unmatched) {
    node.replaceChildren();
    for (const [standard, old] of stale) {
      node.append(el("p", { textContent: `These choices were made with version ${old ?? "unknown"} of ` +
        `${standard.short_title}; it is now version ${standard.version}. Its statements may have changed: check each choice.` }));
    }
    if (unmatched.length) {
      node.append(el("p", { textContent: "These parts of the plan no longer match this rubric. They are kept with the plan, not counted:" }));
      const list = el("ul", { className: "plan-unmatched" });
      for (const u of unmatched) list.append(el("li", { textContent: describeUnmatched(u) }));
      node.append(list);
    }
    node.hidden = stale.length === 0 && unmatched.length === 0;
  }

  function describeUnmatched({ standardId, theme, level, note, why }) {
    const where = why === "standard" ? `standard “${standardId}” (not on this site), theme “${theme}”`
      : why === "theme" ? `theme “${theme}” (no longer in ${standards.get(standardId).short_title})`
        : `${themeLabel(standardId, theme)}: phase “${level}” is not a phase of this rubric`;
    const phase = why !== "phase" && level ? `, phase “${levelById.get(level)?.label ?? level}”` : "";
    return `${where}${phase}${note ? `; notes: ${note}` : ""}`;
  }

  function themeLabel(standardId, themeId) {
    const theme = standards.get(standardId)?.themes.find((t) => t.id === themeId);
    return theme ? `${theme.code}. ${theme.title}` : themeId;
  }

  // ---- your plan ----

  let mine = {}; // your plan, raw: what the form shows plus what no longer matches
  let undo = null; // what a clear or a delete can bring back

  function drawMine() {
    const { state, stale, unmatched } = clean(mine);
    const placed = !isEmpty(state) || unmatched.length > 0;
    plan.querySelector(".plan-tools").hidden = !placed;
    shareLink.parentElement.hidden = !placed;
    document.body.classList.toggle("has-plan", placed); // print shows the plan alone
    const body = $("plan-body");
    body.replaceChildren();
    if (!placed) {
      body.append(el("p", { className: "plan-empty", textContent: "Choose a phase for a theme above, and its next step appears here." }));
    } else {
      body.append(planView(state, true));
    }
    drawNote($("plan-note"), stale, unmatched);
    const url = new URL(location.href);
    url.hash = toHash(mine);
    shareLink.href = url.href;
    drawHints(state);
    drawPrintHead();
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
      fieldset.querySelector(".assess-notes").before(hint);
    }
  }

  function drawPrintHead() {
    const school = $("plan-school").value.trim();
    $("plan-school-line").textContent = school ? `${school}.` : "";
    const now = new Date().toISOString();
    $("plan-date").replaceChildren(el("time", { dateTime: now.slice(0, 10), textContent: formatDate(now) }));
    $("plan-address").textContent = `From ${siteAddress}`;
  }

  /** Make raw your plan: form, storage, URL (unless another plan holds the URL) and drawing. */
  function setMine(raw, { keepUrl = false } = {}) {
    mine = raw;
    toForm(clean(raw).state);
    storePlan(raw);
    if (!keepUrl && !otherFromUrl) {
      const url = new URL(location.href);
      url.hash = toHash(compact(raw));
      history.replaceState(null, "", url.hash ? url : url.pathname + url.search);
    }
    drawMine();
  }

  function themeTitle(fieldset) {
    return fieldset.querySelector("legend").textContent.trim();
  }

  function onChoice(event) {
    setMine(merge(fromForm(), unmatchedRaw(mine)));
    const fieldset = event.target.closest("fieldset");
    if (event.target.type !== "radio") return;
    const next = nextLevel(event.target.value);
    status.textContent = `Plan updated for ${themeTitle(fieldset)}: next step, ${next ? next.label : "sustain and share"}.`;
  }

  function undoButton(label, restore) {
    document.querySelector(".undo-row")?.remove();
    const button = el("button", { type: "button", className: "secondary", textContent: label });
    const row = el("p", { className: "undo-row" }, button);
    undo = restore;
    button.addEventListener("click", () => {
      row.remove();
      const act = undo;
      undo = null;
      act?.();
    });
    return row;
  }

  function clearMine() {
    const before = mine;
    setMine({});
    status.textContent = "Your choices are cleared from this browser. You can undo this until you leave the page.";
    const row = undoButton("Undo: bring my choices back", () => {
      setMine(before);
      status.textContent = "Your choices are back.";
    });
    status.after(row);
    row.querySelector("button").focus();
  }

  // ---- CSV ----

  function csv(raw) {
    const { state } = clean(raw);
    const quote = (v) => `"${String(v ?? "").replaceAll('"', '""')}"`;
    const rows = [["standard", "standard_version", "theme", "theme_code", "theme_title", "current_phase",
      "current_code", "next_step", "next_code", "next_statement", "exemplars", "notes"]];
    for (const standard of data.standards) {
      const entry = state[standard.id];
      for (const theme of standard.themes) {
        const level = levelById.get(entry?.choices[theme.id]);
        const notes = entry?.notes?.[theme.id] || "";
        if (!level && !notes) continue;
        const now = level ? theme.cells[level.id] : null;
        const next = level ? nextLevel(level.id) : null;
        const cell = next ? theme.cells[next.id] : now;
        const links = (cell?.exemplars || []).map((e) => `${e.title} <${new URL(e.url, document.baseURI).href}>`);
        rows.push([standard.id, entry.version, theme.id, theme.code, theme.title, level ? level.label : "",
          now ? now.code : "", level ? (next ? next.label : "Sustain and share") : "", cell ? cell.code : "",
          next ? cell.statement : "", links.join("; "), notes]);
      }
    }
    return `${rows.map((row) => row.map(quote).join(",")).join("\r\n")}\r\n`;
  }

  function downloadCsv() {
    // a BOM, so spreadsheet programs read the accents of French titles as UTF-8
    offer(new Blob(["\ufeff", csv(mine)], { type: "text/csv;charset=utf-8" }), "growth-plan.csv");
    status.textContent = "The plan was downloaded as growth-plan.csv.";
  }

  // ---- another plan: a shared link, a plan file or a snapshot, beside yours ----

  let other = null; // { kind, name, plan, snapshotId? }
  let otherFromUrl = false; // the URL fragment holds the other plan: leave it there until closed

  const OTHER_TEXT = {
    link: ["Shared plan", "You opened a plan someone shared. It is shown here only: your own plan below is unchanged until you choose to keep this one."],
    file: ["Plan from a file", "This plan comes from a plan file. It is kept in your snapshots; your own plan below is unchanged until you choose to keep this one."],
    snapshot: ["Snapshot", "A snapshot you saved. Your own plan below is unchanged until you choose to keep this one."],
  };

  function showOther(next, { focus = true } = {}) {
    other = next;
    const section = $("other-plan");
    const [kind, explain] = OTHER_TEXT[next.kind];
    $("other-kind").textContent = `${kind}:`;
    $("other-name").textContent = next.name + (next.saved ? `, ${formatDate(next.saved)}` : "");
    $("other-explain").textContent = explain;
    $("other-save").hidden = next.kind !== "link";
    const { state, stale, unmatched } = clean(next.plan);
    $("other-body").replaceChildren(planView(state, false));
    drawNote($("other-note"), stale, unmatched);
    $("other-comparison").hidden = true;
    section.hidden = false;
    document.body.classList.add("has-other");
    if (focus) {
      section.scrollIntoView({ block: "start" });
      section.focus({ preventScroll: true });
    }
  }

  function closeOther() {
    $("other-plan").hidden = true;
    document.body.classList.remove("has-other");
    other = null;
    if (otherFromUrl) {
      otherFromUrl = false;
      setMine(mine); // the URL shows your plan again
    }
  }

  function keepOther() {
    const before = mine;
    const name = other.name;
    if (!isEmpty(compact(before)) && !samePlan(compact(before), compact(other.plan))) {
      addSnapshot(`My plan before keeping “${name}”`, before);
    }
    const kept = other.plan;
    closeOther();
    setMine(structuredClone(kept));
    status.textContent = isEmpty(compact(before)) ? `“${name}” is now your plan.`
      : `“${name}” is now your plan. Your previous plan is kept as a snapshot.`;
    plan.scrollIntoView({ block: "start" });
    plan.focus({ preventScroll: true });
  }

  // ---- comparing two plans theme by theme ----

  function change(from, to) {
    const a = levelById.get(from);
    const b = levelById.get(to);
    if (!a && !b) return ["none", "not placed in either"];
    if (!a) return ["placed", `placed at ${b.label}`];
    if (!b) return ["unplaced", "no longer placed"];
    const steps = b.order - a.order;
    if (steps === 0) return ["same", "no change"];
    const n = Math.abs(steps);
    return steps > 0 ? ["up", `moved up ${n} phase${n === 1 ? "" : "s"}`] : ["down", `moved back ${n} phase${n === 1 ? "" : "s"}`];
  }

  function phaseCell(levelId, code) {
    const level = levelById.get(levelId);
    return el("td", {}, level ? badge(level, code) : el("span", { className: "muted", textContent: "not placed" }));
  }

  /** A table per standard: each theme's phase in plan A and plan B, and what changed. */
  function comparison(a, b) {
    const left = clean(a.plan).state;
    const right = clean(b.plan).state;
    const part = document.createDocumentFragment();
    for (const standard of data.standards) {
      const table = el("table", { className: "compare-table" },
        el("caption", { textContent: `${standard.short_title}: from “${a.name}” to “${b.name}”` }));
      const head = el("tr", {}, el("th", { scope: "col", textContent: "Theme" }), el("th", { scope: "col", textContent: a.name }),
        el("th", { scope: "col", textContent: b.name }), el("th", { scope: "col", textContent: "Change" }));
      table.append(el("thead", {}, head));
      const body = el("tbody");
      const moved = { up: 0, down: 0, same: 0 };
      for (const theme of standard.themes) {
        const from = left[standard.id]?.choices[theme.id];
        const to = right[standard.id]?.choices[theme.id];
        const [kind, words] = change(from, to);
        if (kind in moved) moved[kind] += 1;
        const row = el("tr", {}, el("th", { scope: "row", textContent: `${theme.code}. ${theme.title}` }),
          phaseCell(from, theme.cells[from]?.code), phaseCell(to, theme.cells[to]?.code),
          el("td", { className: `change change-${kind}`, textContent: words }));
        row.dataset.theme = theme.id;
        row.dataset.change = kind;
        body.append(row);
      }
      table.append(body);
      part.append(el("p", { className: "compare-summary", textContent:
        `${moved.up} theme${moved.up === 1 ? "" : "s"} moved up, ${moved.down} moved back, ${moved.same} stayed where ${moved.same === 1 ? "it was" : "they were"}.` }),
      el("div", { className: "table-scroll", tabIndex: 0, role: "region", ariaLabel: `Comparison: ${standard.short_title}` }, table));
    }
    return part;
  }

  function compareOther() {
    const box = $("other-comparison");
    box.replaceChildren(el("h3", { textContent: "Compared with your plan" }),
      comparison({ name: "Your plan", plan: mine }, other));
    box.hidden = false;
    box.querySelector("caption")?.scrollIntoView({ block: "nearest" });
  }

  // ---- snapshots ----

  const snapshotStatus = (text) => { $("snapshot-status").textContent = text; };

  function addSnapshot(name, raw) {
    const list = snapshots();
    const snap = { id: `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      name, saved: new Date().toISOString(), school: $("plan-school").value.trim(), plan: compact(raw) };
    list.push(snap);
    storeSnapshots(list);
    drawSnapshots();
    return snap;
  }

  function saveSnapshot() {
    if (isEmpty(compact(mine))) {
      snapshotStatus("There is nothing to save yet: choose a phase for a theme first.");
      return;
    }
    const input = $("snapshot-name");
    const name = input.value.trim() || `Plan of ${formatDate(new Date().toISOString())}`;
    addSnapshot(name, mine);
    input.value = "";
    snapshotStatus(`Saved the snapshot “${name}”.`);
  }

  function snapshotItem(snap) {
    const item = el("li", { className: "snapshot" });
    item.dataset.id = snap.id;
    const placed = Object.values(clean(snap.plan).state).reduce((n, e) => n + Object.keys(e.choices).length, 0);
    const title = el("p", { className: "snapshot-title" }, el("strong", { className: "snapshot-name", textContent: snap.name }), " ",
      el("span", { className: "muted" }, "saved ", el("time", { dateTime: snap.saved, textContent: formatDate(snap.saved) }),
        `, ${placed} theme${placed === 1 ? "" : "s"} placed`));
    const actions = el("p", { className: "snapshot-actions" });
    for (const [action, label] of [["open", "Open"], ["rename", "Rename"], ["delete", "Delete"]]) {
      const button = el("button", { type: "button", className: "secondary", textContent: label,
        ariaLabel: `${label} “${snap.name}”` });
      button.dataset.action = action;
      actions.append(button);
    }
    item.append(title, actions);
    return item;
  }

  function drawSnapshots() {
    const list = snapshots();
    $("snapshot-list").replaceChildren(...list.map(snapshotItem));
    $("snapshot-empty").hidden = list.length > 0;
    $("snapshots-file").hidden = list.length === 0;
    $("snapshot-compare").hidden = list.length === 0;
    for (const id of ["compare-a", "compare-b"]) {
      const select = $(id);
      const was = select.value;
      select.replaceChildren(el("option", { value: "mine", textContent: "My plan now" }),
        ...list.map((s) => el("option", { value: s.id, textContent: `${s.name} (${formatDate(s.saved)})` })));
      if ([...select.options].some((o) => o.value === was)) select.value = was;
    }
    // by default: the oldest snapshot against the plan now, the question a spring meeting asks
    if (list.length && $("compare-a").value === "mine" && $("compare-b").value === "mine") $("compare-a").value = list[0].id;
  }

  function planNamed(id) {
    if (id === "mine") return { name: "My plan now", plan: mine };
    const snap = snapshots().find((s) => s.id === id);
    return snap ? { name: snap.name, plan: snap.plan } : null;
  }

  function runCompare() {
    const a = planNamed($("compare-a").value);
    const b = planNamed($("compare-b").value);
    const box = $("compare-result");
    if (!a || !b) return;
    box.replaceChildren(comparison(a, b));
    box.hidden = false;
    snapshotStatus(`Compared “${a.name}” with “${b.name}”.`);
  }

  function renameForm(item, snap) {
    const input = el("input", { type: "text", value: snap.name, id: `rename-${snap.id}` });
    const label = el("label", { htmlFor: input.id, textContent: "New name" });
    const save = el("button", { type: "button", textContent: "Save the name" });
    const cancel = el("button", { type: "button", className: "secondary", textContent: "Cancel" });
    const row = el("div", { className: "snapshot-rename" }, label, el("div", { className: "inline-row" }, input, save, cancel));
    const done = (name) => {
      if (name) {
        storeSnapshots(snapshots().map((s) => (s.id === snap.id ? { ...s, name } : s)));
        snapshotStatus(`Renamed to “${name}”.`);
      }
      drawSnapshots();
      $("snapshot-list").querySelector(`[data-id="${snap.id}"] [data-action=rename]`)?.focus();
    };
    save.addEventListener("click", () => done(input.value.trim()));
    cancel.addEventListener("click", () => done(""));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); done(input.value.trim()); }
      if (event.key === "Escape") done("");
    });
    item.querySelector(".snapshot-actions").replaceWith(row);
    input.focus();
    input.select();
  }

  function deleteSnapshot(snap) {
    const list = snapshots();
    const at = list.findIndex((s) => s.id === snap.id);
    storeSnapshots(list.filter((s) => s.id !== snap.id));
    drawSnapshots();
    if (other?.snapshotId === snap.id) closeOther();
    snapshotStatus(`Deleted “${snap.name}”.`);
    const row = undoButton(`Undo: bring back “${snap.name}”`, () => {
      const now = snapshots();
      now.splice(Math.min(at, now.length), 0, snap);
      storeSnapshots(now);
      drawSnapshots();
      snapshotStatus(`“${snap.name}” is back.`);
    });
    $("snapshot-status").after(row);
    row.querySelector("button").focus();
  }

  function onSnapshotAction(event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const item = button.closest("li.snapshot");
    const snap = snapshots().find((s) => s.id === item.dataset.id);
    if (!snap) return;
    if (button.dataset.action === "open") showOther({ kind: "snapshot", name: snap.name, saved: snap.saved, plan: snap.plan, snapshotId: snap.id });
    else if (button.dataset.action === "rename") renameForm(item, snap);
    else deleteSnapshot(snap);
  }

  // ---- plan files in and out ----

  function fileName(stem) {
    return `${stem}-${new Date().toISOString().slice(0, 10)}.json`;
  }

  function exportMine() {
    saveFile(fileName("growth-plan"), planFile([{ name: "My plan", saved: new Date().toISOString(),
      school: $("plan-school").value.trim(), plan: compact(mine) }]));
    status.textContent = "The plan was saved as a plan file.";
  }

  function exportSnapshots() {
    saveFile(fileName("growth-plan-snapshots"), planFile(snapshots()));
    snapshotStatus("Every snapshot was saved in one plan file.");
  }

  async function importFile(event) {
    const file = event.target.files[0];
    if (!file) return;
    const plans = await readFile(file);
    event.target.value = "";
    if (plans instanceof Error) {
      snapshotStatus(plans.message);
      return;
    }
    if (!plans.length) {
      snapshotStatus(`${file.name} holds no plan.`);
      return;
    }
    const added = plans.map((p) => addSnapshotFrom(p));
    snapshotStatus(`${added.length} plan${added.length === 1 ? "" : "s"} from ${file.name} added to your snapshots.`);
    const first = added[0];
    showOther({ kind: "file", name: first.name, saved: first.saved, plan: first.plan, snapshotId: first.id });
  }

  function addSnapshotFrom(p) {
    const list = snapshots();
    const snap = { id: `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      name: p.name, saved: p.saved || new Date().toISOString(), school: p.school, plan: p.plan };
    list.push(snap);
    storeSnapshots(list);
    drawSnapshots();
    return snap;
  }

  // ---- team view: many plans, counted per theme and phase ----

  async function teamPlans() {
    const plans = [];
    const problems = [];
    const lines = $("team-links").value.split(/\s+/).filter(Boolean);
    for (const [i, line] of lines.entries()) {
      let hash = line;
      try {
        hash = new URL(line, location.href).hash;
      } catch { /* a bare fragment */ }
      const raw = fromHash(hash);
      if (isEmpty(clean(raw).state) && !clean(raw).unmatched.length) problems.push(`link ${i + 1} holds no plan`);
      else plans.push({ name: `Link ${i + 1}`, plan: raw });
    }
    for (const file of $("team-files").files) {
      const found = await readFile(file);
      if (found instanceof Error) problems.push(found.message);
      else for (const p of found) plans.push({ name: found.length > 1 ? `${file.name}: ${p.name}` : file.name, plan: p.plan });
    }
    if ($("team-include-mine").checked && !isEmpty(compact(mine))) plans.unshift({ name: "My plan", plan: mine });
    return { plans, problems };
  }

  function teamTable(standard, plans) {
    const table = el("table", { className: "team-table" },
      el("caption", { textContent: `${standard.short_title}: how many of the ${plans.length} plans placed the school at each phase` }));
    const head = el("tr", {}, el("th", { scope: "col", textContent: "Theme" }),
      ...levels.map((lv) => el("th", { scope: "col", className: `phase-head phase-${lv.id}`, textContent: lv.label })),
      el("th", { scope: "col", textContent: "Not placed" }));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    for (const theme of standard.themes) {
      const counts = new Map(levels.map((lv) => [lv.id, 0]));
      let none = 0;
      for (const p of plans) {
        const level = clean(p.plan).state[standard.id]?.choices[theme.id];
        if (counts.has(level)) counts.set(level, counts.get(level) + 1);
        else none += 1;
      }
      const most = Math.max(...counts.values());
      const row = el("tr", {}, el("th", { scope: "row", textContent: `${theme.code}. ${theme.title}` }));
      for (const lv of levels) {
        const n = counts.get(lv.id);
        const td = el("td", { className: `count phase-${lv.id}${n && n === most ? " count-most" : ""}`, textContent: String(n) });
        td.dataset.level = lv.id;
        row.append(td);
      }
      row.append(el("td", { className: "count count-none", textContent: String(none) }));
      row.dataset.theme = theme.id;
      body.append(row);
    }
    table.append(body);
    return el("div", { className: "table-scroll", tabIndex: 0, role: "region", ariaLabel: `Team view: ${standard.short_title}` }, table);
  }

  function teamNotes(standard, plans) {
    const part = el("div", { className: "team-notes" }, el("h3", { textContent: `Everyone's notes: ${standard.short_title}` }));
    let any = false;
    for (const theme of standard.themes) {
      const items = [];
      for (const p of plans) {
        const text = clean(p.plan).state[standard.id]?.notes?.[theme.id];
        if (text) items.push(el("li", {}, el("strong", { textContent: `${p.name}: ` }), text));
      }
      if (!items.length) continue;
      any = true;
      const block = el("div", { className: "team-theme" }, el("h4", { textContent: `${theme.code}. ${theme.title}` }), el("ul", {}, ...items));
      block.dataset.theme = theme.id;
      part.append(block);
    }
    if (!any) part.append(el("p", { className: "muted", textContent: "None of these plans has notes." }));
    return part;
  }

  async function runTeam() {
    const { plans, problems } = await teamPlans();
    const result = $("team-result");
    result.replaceChildren();
    const unmatched = plans.reduce((n, p) => n + clean(p.plan).unmatched.length, 0);
    const said = [];
    if (!plans.length) said.push("Add links or plan files first: there is no plan to combine.");
    else said.push(`${plans.length} plan${plans.length === 1 ? "" : "s"} combined.`);
    if (unmatched) said.push(`${unmatched} choice${unmatched === 1 ? "" : "s"} no longer match this rubric and ${unmatched === 1 ? "is" : "are"} not counted.`);
    if (problems.length) said.push(`Left out: ${problems.join("; ")}.`);
    $("team-status").textContent = said.join(" ");
    if (!plans.length) return;
    for (const standard of data.standards) result.append(teamTable(standard, plans), teamNotes(standard, plans));
  }

  // ---- wiring ----

  let noteTimer = 0;
  form.addEventListener("change", onChoice);
  form.addEventListener("input", (event) => {
    if (!event.target.matches("textarea[data-note]")) return;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => setMine(merge(fromForm(), unmatchedRaw(mine))), 300);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  $("plan-print").addEventListener("click", () => { drawPrintHead(); window.print(); });
  $("plan-csv").addEventListener("click", downloadCsv);
  $("plan-file").addEventListener("click", exportMine);
  $("plan-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(shareLink.href);
      status.textContent = "Link copied. Whoever opens it sees these choices as a shared plan, beside their own.";
    } catch {
      status.textContent = "Copying is not allowed here: copy the “Link to this plan” link instead.";
    }
  });
  $("plan-clear").addEventListener("click", clearMine);
  $("plan-school").value = readJson(SCHOOL_KEY, "") || "";
  $("plan-school").addEventListener("input", (event) => {
    writeJson(SCHOOL_KEY, JSON.stringify(event.target.value.trim()), !event.target.value.trim());
    drawPrintHead();
  });
  $("other-keep").addEventListener("click", keepOther);
  $("other-compare").addEventListener("click", compareOther);
  $("other-close").addEventListener("click", () => {
    closeOther();
    plan.focus();
  });
  $("other-save").addEventListener("click", () => {
    const snap = addSnapshot(other.name, other.plan);
    other.kind = "snapshot";
    other.snapshotId = snap.id;
    $("other-save").hidden = true;
    snapshotStatus(`Saved “${snap.name}” in your snapshots.`);
    $("other-explain").textContent = "Saved in your snapshots. Your own plan below is unchanged.";
  });
  $("snapshot-add").addEventListener("click", saveSnapshot);
  $("snapshot-name").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); saveSnapshot(); }
  });
  $("snapshot-list").addEventListener("click", onSnapshotAction);
  $("compare-run").addEventListener("click", runCompare);
  $("snapshots-file").addEventListener("click", exportSnapshots);
  $("plan-import").addEventListener("change", importFile);
  $("team-run").addEventListener("click", runTeam);

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

  /** A plan in the URL: yours when it equals what you saved, otherwise a shared plan beside it. */
  function openFromUrl() {
    const raw = fromHash(location.hash);
    const found = clean(raw);
    if (isEmpty(found.state) && !found.unmatched.length) return false;
    if (samePlan(compact(raw), compact(mine))) return false;
    otherFromUrl = true;
    showOther({ kind: "link", name: "opened from a link", plan: raw });
    return true;
  }

  window.addEventListener("hashchange", () => {
    if (!openFromUrl() && otherFromUrl && isEmpty(fromHash(location.hash))) closeOther();
  });

  for (const box of form.querySelectorAll(".assess-notes")) box.hidden = false;
  for (const section of ["snapshots", "team"]) $(section).hidden = false;
  mine = storedPlan();
  if (!mine || typeof mine !== "object" || Array.isArray(mine)) mine = {};
  toForm(clean(mine).state);
  drawMine();
  drawSnapshots();
  openFromUrl();
  document.querySelector(".assess-intro").hidden = false;
  plan.hidden = false;
})();
