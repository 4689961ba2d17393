// Every page: "/" puts the cursor in the search box; a page opened from a search result
// (…/?highlight=words) marks the words searched for; a printout carries each link's address.
// Nothing here is needed to read a page: it only adds.
"use strict";

(() => {
  const TYPING = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.(TYPING)) return; // a "/" typed into a field is just a character
    const box = document.getElementById("search-q") || document.getElementById("header-q");
    if (!box || box.getClientRects().length === 0) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // Paper cannot follow a link: a printed cell, theme or exemplar page shows each address
  // (print CSS reads data-print-href). The browser resolves it, so it is right under any prefix.
  const main = document.getElementById("main");
  if (main && document.body.matches(".page-cell, .page-theme, .page-exemplar, .page-tag")) {
    for (const link of main.querySelectorAll("a[href]")) {
      if (link.getAttribute("href").startsWith("#") || link.closest("nav")) continue;
      if (link.textContent.trim() === link.href) continue; // the address is already the text
      link.dataset.printHref = link.href;
    }
  }

  const words = new URLSearchParams(location.search).getAll("highlight")
    .flatMap((w) => w.split(/\s+/)).map((w) => w.trim()).filter((w) => w.length > 1);
  if (!main || words.length === 0) return;
  const escape = (w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // a word and the rest of it ("inquir" marks "inquiry"), as the search matched stems
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escape).join("|")})[\\p{L}\\p{N}]*`, "giu");

  function textNodes(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest("script, style, textarea, mark, .visually-hidden, [hidden]")
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const found = [];
    while (walker.nextNode()) found.push(walker.currentNode);
    return found;
  }

  function markIn(node) {
    const text = node.nodeValue;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return 0;
    pattern.lastIndex = 0;
    const part = document.createDocumentFragment();
    let at = 0;
    let count = 0;
    for (const match of text.matchAll(pattern)) {
      part.append(text.slice(at, match.index));
      const mark = document.createElement("mark");
      mark.className = "search-hit";
      mark.textContent = match[0];
      part.append(mark);
      at = match.index + match[0].length;
      count += 1;
    }
    part.append(text.slice(at));
    node.replaceWith(part);
    return count;
  }

  let count = 0;
  for (const node of textNodes(main)) count += markIn(node);
  if (count === 0) return;
  const clean = new URL(location.href);
  clean.searchParams.delete("highlight");
  const note = document.createElement("p");
  note.className = "highlight-note no-print";
  note.append(`Your search words are marked on this page (${count}). `);
  const off = document.createElement("a");
  off.href = clean.href;
  off.textContent = "Show the page without marks";
  note.append(off);
  main.prepend(note);
  main.querySelector("mark.search-hit").scrollIntoView({ block: "center" });
})();
