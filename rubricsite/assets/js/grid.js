// The rubric grid: arrow keys move focus between the cells' links, and buttons highlight a phase
// column or a theme row. Tab still walks every link in reading order and leaves the table as
// usual; the arrow keys are a shortcut on top, not a trap.
"use strict";

(() => {
  const table = document.getElementById("grid");
  if (!table) return;
  const tools = document.getElementById("grid-tools");
  const keys = document.getElementById("grid-keys");

  // rows of the body, each a list of cells (header cell first); a cell's link or null
  const rows = [...table.tBodies[0].rows].map((row) => [...row.cells]);
  const linkAt = (r, c) => rows[r]?.[c]?.querySelector("a[href]") || null;

  function position(link) {
    const cell = link.closest("th, td");
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r].indexOf(cell);
      if (c >= 0) return [r, c];
    }
    return null;
  }

  /** The first link met walking from (r, c) by (dr, dc), skipping cells without one. */
  function walk(r, c, dr, dc) {
    for (let i = r + dr, j = c + dc; i >= 0 && i < rows.length && j >= 0 && j < (rows[i]?.length ?? 0);
      i += dr, j += dc) {
      const link = linkAt(i, j);
      if (link) return link;
    }
    return null;
  }

  function rowEnd(r, last) {
    const cells = rows[r];
    const order = last ? [...cells.keys()].reverse() : [...cells.keys()];
    for (const c of order) {
      const link = linkAt(r, c);
      if (link) return link;
    }
    return null;
  }

  table.addEventListener("keydown", (event) => {
    if (event.altKey || event.metaKey || event.shiftKey) return;
    const at = event.target.closest && event.target.matches("a[href]") ? position(event.target) : null;
    if (!at) return;
    const [r, c] = at;
    let target = null;
    switch (event.key) {
      case "ArrowRight": target = walk(r, c, 0, 1); break;
      case "ArrowLeft": target = walk(r, c, 0, -1); break;
      case "ArrowDown": target = walk(r, c, 1, 0); break;
      case "ArrowUp": target = walk(r, c, -1, 0); break;
      case "Home": target = event.ctrlKey ? rowEnd(0, false) : rowEnd(r, false); break;
      case "End": target = event.ctrlKey ? rowEnd(rows.length - 1, true) : rowEnd(r, true); break;
      default: return;
    }
    if (!target) return; // at an edge the key keeps its usual meaning (scrolling)
    event.preventDefault();
    target.focus();
    target.closest("th, td").scrollIntoView({ block: "nearest", inline: "nearest" });
  });

  // Highlights: one phase and one theme at a time; pressing a pressed button clears it.
  function highlight(kind, id) {
    for (const button of tools.querySelectorAll(`[data-highlight-${kind}]`)) {
      button.setAttribute("aria-pressed", String(button.dataset[kind === "level" ? "highlightLevel" : "highlightTheme"] === id));
    }
    for (const cell of table.querySelectorAll(`.hl-${kind}`)) cell.classList.remove(`hl-${kind}`, "is-highlighted");
    if (id) {
      const cells = kind === "level"
        ? table.querySelectorAll(`#phase-${CSS.escape(id)}, td[data-level="${CSS.escape(id)}"]`)
        : table.querySelectorAll(`tr[data-theme="${CSS.escape(id)}"] > *`);
      for (const cell of cells) cell.classList.add(`hl-${kind}`);
    }
    // a cell in both the pressed row and column keeps its mark when one of them is released
    for (const cell of table.querySelectorAll("th, td")) {
      cell.classList.toggle("is-highlighted", cell.matches(".hl-level, .hl-theme"));
    }
  }

  // A highlight lives in the page's query (?phase=…&theme=…), so a projected grid can be shared
  // as it is shown; only ids the grid has are taken from a link.
  const pressed = (kind) => tools.querySelector(`[data-highlight-${kind}][aria-pressed="true"]`);

  function remember() {
    const url = new URL(location.href);
    const level = pressed("level")?.dataset.highlightLevel;
    const theme = pressed("theme")?.dataset.highlightTheme;
    if (level) url.searchParams.set("phase", level); else url.searchParams.delete("phase");
    if (theme) url.searchParams.set("theme", theme); else url.searchParams.delete("theme");
    history.replaceState(null, "", url);
  }

  /** Bring the first marked cell into view: on a phone the cards it marks may be screens away. */
  function reveal(kind, id) {
    const first = kind === "level"
      ? table.querySelector(`tbody td[data-level="${CSS.escape(id)}"]`)
      : table.querySelector(`tr[data-theme="${CSS.escape(id)}"]`);
    const top = first?.getBoundingClientRect().top;
    // scroll-margin-top (site.css) keeps it clear of the sticky phase headers
    if (first && (top < 0 || top > innerHeight * 0.6)) first.scrollIntoView({ block: "start" });
  }

  tools.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const kind = "highlightLevel" in button.dataset ? "level" : "theme";
    const id = kind === "level" ? button.dataset.highlightLevel : button.dataset.highlightTheme;
    const on = button.getAttribute("aria-pressed") !== "true";
    highlight(kind, on ? id : "");
    remember();
    if (on) reveal(kind, id);
  });

  function fromQuery() {
    const params = new URLSearchParams(location.search);
    for (const [kind, name] of [["level", "phase"], ["theme", "theme"]]) {
      const id = params.get(name) || (kind === "level" ? params.get("level") : null);
      if (id && tools.querySelector(`[data-highlight-${kind}="${CSS.escape(id)}"]`)) highlight(kind, id);
    }
  }

  // The growth plan saved in this browser by assess.js: each theme's phase and its next step.
  function drawPlan() {
    const siteRoot = new URL(table.dataset.siteRoot, document.baseURI).pathname;
    let saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(`rubricsite:growth-plan:${siteRoot}`) || "null");
    } catch {
      return; // storage turned off: no plan to show
    }
    const choices = saved?.[table.dataset.standard]?.choices;
    if (!choices || typeof choices !== "object") return;
    const order = [...table.tHead.rows[0].cells].map((th) => th.id.replace(/^phase-/, "")).filter(Boolean);
    let marked = 0;
    for (const row of table.tBodies[0].rows) {
      const at = order.indexOf(choices[row.dataset.theme]);
      if (at < 0) continue;
      mark(row, order[at], "here", at === order.length - 1 ? "Your school: sustain and share" : "Your school");
      if (at + 1 < order.length) mark(row, order[at + 1], "next", "Next step");
      marked += 1;
    }
    if (!marked) return;
    const box = document.getElementById("grid-plan");
    const toggle = document.getElementById("grid-plan-show");
    box.hidden = false;
    toggle.addEventListener("change", () => table.classList.toggle("plan-hidden", !toggle.checked));
  }

  function mark(row, level, kind, text) {
    const cell = row.querySelector(`td[data-level="${CSS.escape(level)}"]`);
    if (!cell) return;
    cell.classList.add(`plan-${kind}`);
    const label = document.createElement("span");
    label.className = `plan-mark plan-mark-${kind}`;
    label.textContent = text;
    cell.prepend(label);
  }

  fromQuery();
  drawPlan();
  tools.hidden = false;
  keys.hidden = false;
})();
