// Search page: queries the site's search index (written at build time by search_index.py, read by
// search-engine.js) and draws results as plain links with their page type, cell code and a
// snippet. Only the search page loads this file; without JavaScript the page says so and links to
// the exemplars index.
"use strict";

(() => {
  const root = document.getElementById("search");
  if (!root) return;
  const form = root.querySelector("form");
  const input = root.querySelector("#search-q");
  const status = root.querySelector("#search-status");
  const list = root.querySelector("#search-results");
  const fallback = root.querySelector(".search-fallback");
  const PAGE_SIZE = 20;
  const TYPES = { exemplar: "Exemplar", indicator: "Indicator", theme: "Theme" };

  // The engine, its index and the site root are given relative to this page, so the site works
  // under any path prefix (/district/llc/) without knowing it; result URLs start at the site root.
  const engineUrl = new URL(root.dataset.engine, document.baseURI).href;
  const indexUrl = new URL(root.dataset.index, document.baseURI).href;
  const siteRoot = new URL(root.dataset.siteRoot, document.baseURI).pathname;

  let engine = null; // the imported search-engine.js module, once loaded
  let latest = 0; // the number of the newest query: older answers are dropped
  let timer = 0;

  async function load() {
    if (!engine) {
      engine = import(engineUrl).then(async (search) => {
        await search.options({ index: indexUrl, baseUrl: siteRoot, excerptLength: 24 });
        await search.init();
        return search;
      });
    }
    return engine;
  }

  function say(text) {
    status.textContent = text;
  }

  // The engine marks matches with <mark>; keep only text and those marks, never other markup.
  function snippet(html) {
    const p = document.createElement("p");
    p.className = "result-excerpt";
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
    for (const node of doc.body.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.append(mark);
      } else {
        p.append(document.createTextNode(node.textContent));
      }
    }
    return p;
  }

  function resultItem(data) {
    const li = document.createElement("li");
    li.className = "search-result";
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    // the index holds paths of this site only; anything else (javascript:, another host) is no link
    link.href = /^\/(?!\/)/.test(data.url) ? data.url : "#";
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "result-meta";
    const type = document.createElement("span");
    type.className = `result-type result-${data.meta.type || "page"}`;
    type.textContent = TYPES[data.meta.type] || "Page";
    meta.append(type);
    if (data.meta.code) {
      const code = document.createElement("span");
      code.className = "cell-code";
      code.textContent = data.meta.code;
      meta.append(" ", code);
    }
    li.append(heading, meta, snippet(data.excerpt || ""));
    return li;
  }

  async function showMore(results, from, query) {
    const slice = await Promise.all(results.slice(from, from + PAGE_SIZE).map((r) => r.data()));
    list.querySelector(".search-more")?.remove();
    for (const data of slice) list.append(resultItem(data));
    const shown = from + slice.length;
    if (shown < results.length) {
      const li = document.createElement("li");
      li.className = "search-more";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = `Show more results (${results.length - shown} left)`;
      button.addEventListener("click", async () => {
        const next = list.children.length - 1;
        await showMore(results, shown, query);
        list.children[next]?.querySelector("a")?.focus();
      });
      li.append(button);
      list.append(li);
    }
  }

  async function run(query) {
    const ticket = ++latest;
    const text = query.trim();
    if (!text) {
      list.replaceChildren();
      say("");
      return;
    }
    let search;
    try {
      search = await load();
    } catch (error) {
      fallback.hidden = false;
      say("Search could not load.");
      console.error(error);
      return;
    }
    const started = performance.now();
    const found = await search.search(text);
    if (ticket !== latest || !found) return; // a newer query has already been asked
    list.replaceChildren();
    await showMore(found.results, 0, text);
    if (ticket !== latest) return;
    // for the browser tests and the closing note: time to the first page of results, in ms
    root.dataset.latencyMs = String(Math.round(performance.now() - started));
    const n = found.results.length;
    say(n === 0 ? `No results for “${text}”. Try fewer or other words.`
      : `${n} result${n === 1 ? "" : "s"} for “${text}”`);
  }

  function remember(query) {
    const url = new URL(location.href);
    if (query.trim()) url.searchParams.set("q", query.trim());
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value);
    run(input.value);
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    // wait for a pause in typing, so a screen reader hears one count, not one per key
    timer = setTimeout(() => {
      remember(input.value);
      run(input.value);
    }, 300);
  });
  input.addEventListener("focus", () => { load().catch(() => {}); }, { once: true });

  const initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) run(initial);
})();
