// The search engine: answers queries from the static index search_index.py writes, fetching only
// the term files of the words asked for and the page files of the results shown. It offers what
// search.js uses: options(), init() and search(text), whose results each have data() giving
// { url, meta: { title, type, code }, excerpt } with the words found in <mark>.
// Words are folded and stemmed exactly as search_index.py does (tests/test_search_engine.py).

const settings = { index: "", baseUrl: "/", excerptLength: 30 };
let entry = null; // index.json
const termFiles = new Map(); // key -> Promise of { term: [gap, weight, ...] }
const pageFiles = new Map(); // file number -> Promise of [[url, title, type, code, text], ...]
const PREFIX_WEIGHT = 0.6; // a longer word a query word begins counts less than the word itself
const K1 = 1.2, B = 0.75; // BM25's usual constants
let averageLength = 1;

export function fold(text) {
  return text.toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, "");
}

export function stem(word) {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(sses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

export function terms(text) {
  return (fold(text).match(/[\p{L}\p{N}]+/gu) || []).map(stem);
}

function hex(text) {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function fetchJson(path) {
  const response = await fetch(new URL(path, settings.index));
  if (!response.ok) throw new Error(`search index: ${path}: HTTP ${response.status}`);
  return response.json();
}

export async function options(given) {
  Object.assign(settings, given);
}

export async function init() {
  if (entry) return;
  entry = await fetchJson("index.json");
  averageLength = entry.lengths.reduce((a, b) => a + b, 0) / Math.max(entry.lengths.length, 1) || 1;
}

function termFile(word) {
  const key = hex(word.slice(0, 2));
  if (!entry.keys.includes(key)) return Promise.resolve({});
  if (!termFiles.has(key)) termFiles.set(key, fetchJson(`terms/${key}.json`));
  return termFiles.get(key);
}

function pageFile(number) {
  if (!pageFiles.has(number)) pageFiles.set(number, fetchJson(`pages/${number}.json`));
  return pageFiles.get(number);
}

// page number -> score of one query word: the best of the words it matches in that page
async function scoresFor(word) {
  const file = await termFile(word);
  const scores = new Map();
  for (const [term, postings] of Object.entries(file)) {
    const exact = term === word;
    if (!exact && !(word.length > 1 && term.startsWith(word))) continue;
    const df = postings.length / 2;
    const idf = Math.log(1 + (entry.pages - df + 0.5) / (df + 0.5));
    const factor = (exact ? 1 : PREFIX_WEIGHT) * idf;
    let page = 0;
    for (let i = 0; i < postings.length; i += 2) {
      page += postings[i];
      const count = postings[i + 1];
      const norm = K1 * (1 - B + (B * entry.lengths[page]) / averageLength);
      const score = (factor * count * (K1 + 1)) / (count + norm);
      if (!(scores.get(page) >= score)) scores.set(page, score);
    }
  }
  return scores;
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function matches(word, wanted) {
  return terms(word).some((t) => wanted.some((w) => t === w || (w.length > 1 && t.startsWith(w))));
}

// the sentence with the most words found, cut to excerptLength words around the first of them
function excerpt(text, wanted) {
  const sentences = text.split(/(?<=[.!?])\s+|\n/).filter((s) => s.trim());
  let best = [], bestHits = -1;
  for (const sentence of sentences) {
    const words = sentence.split(/\s+/).filter(Boolean);
    const hits = words.filter((w) => matches(w, wanted)).length;
    if (hits > bestHits) [best, bestHits] = [words, hits];
  }
  const length = settings.excerptLength;
  const first = Math.max(0, best.findIndex((w) => matches(w, wanted)));
  const start = best.length <= length ? 0 : Math.max(0, Math.min(first - 5, best.length - length));
  const shown = best.slice(start, start + length).map(
    (w) => (matches(w, wanted) ? `<mark>${escapeHtml(w)}</mark>` : escapeHtml(w)));
  return (start > 0 ? "… " : "") + shown.join(" ") + (start + length < best.length ? " …" : "");
}

export async function search(query) {
  await init();
  const wanted = [...new Set(terms(query))];
  if (wanted.length === 0) return { results: [] };
  const perWord = await Promise.all(wanted.map(scoresFor));
  perWord.sort((a, b) => a.size - b.size); // every word must match: start from the rarest
  const total = new Map();
  for (const [page, score] of perWord[0]) {
    let sum = score;
    for (const other of perWord.slice(1)) {
      const s = other.get(page);
      if (s === undefined) { sum = -1; break; }
      sum += s;
    }
    if (sum >= 0) total.set(page, sum);
  }
  const ranked = [...total].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const root = settings.baseUrl.endsWith("/") ? settings.baseUrl : `${settings.baseUrl}/`;
  return {
    results: ranked.map(([page, score]) => ({
      id: page,
      score,
      data: async () => {
        const file = await pageFile(Math.floor(page / entry.pages_per_file));
        const [url, title, type, code, text] = file[page % entry.pages_per_file];
        return { url: root + url.replace(/^\//, ""), meta: { title, type, code },
                 excerpt: excerpt(text, wanted) };
      },
    })),
  };
}
