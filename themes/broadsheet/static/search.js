// broadsheet client-side search. No dependencies, no external requests.
//
// The index (docs/search.md) is sharded by term: a query fetches search.json (shard count,
// every document's section and date), the term shards of its words, the byte ranges of its
// terms' positions only for phrases, then the metadata block and the byte range of the text
// of each result it shows (and search/delta.json, the texts of articles edited since the
// shards were made, which it indexes itself).
// Text is folded as the build folds it: NFKC, lower case, traditional → simplified
// (search/fold.json, fetched once when a query has Chinese characters); CJK text is matched
// by character bigrams (one character alone by itself), other scripts by words.
// Round trips are what a query waits for, so the page fetches search.json (and fold.json in a
// CJK page) as soon as it loads, and the term shards and phrase positions of what is typed at
// each keystroke, before the query runs (each file or range is fetched once per page view).
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) return;
  var input = document.getElementById("search-q");
  var sectionBox = document.getElementById("search-section");
  var fromBox = document.getElementById("search-from");
  var toBox = document.getElementById("search-to");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pager = document.getElementById("search-pages");
  var prev = document.getElementById("search-prev");
  var next = document.getElementById("search-next");
  var pageLabel = document.getElementById("search-page");
  var basePath = (form.getAttribute("data-base-path") || "/").replace(/\/+$/, "");
  var msg = {
    loading: form.getAttribute("data-msg-loading") || "Loading…",
    none: form.getAttribute("data-msg-none") || "No results.",
    count: form.getAttribute("data-msg-count") || "{n} results",
    error: form.getAttribute("data-msg-error") || "Search failed.",
    page: form.getAttribute("data-msg-page") || "{n} / {total}"
  };
  var PER_PAGE = 10;
  var EXCERPT = 50; // characters of context either side of the first match

  // Root-relative URLs from the index get the base path, unless they have it.
  function withBase(u) {
    if (!u || /^[a-z][a-z0-9+.-]*:/i.test(u) || u.charAt(0) !== "/" || u.charAt(1) === "/") return u;
    if (basePath && (u === basePath || u.indexOf(basePath + "/") === 0)) return u;
    return basePath + u;
  }

  var indexUrl = withBase(form.getAttribute("data-index") || "/search.json");
  var root = indexUrl.replace(/search\.json(\?.*)?$/, "");
  var files = {};

  // Each file is fetched once per page view.
  function get(path) {
    if (!files[path]) {
      files[path] = fetch(root + path, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }

  // Bytes [start, start + length) of a file, as text, by an HTTP range request; a server that
  // ignores ranges sends the whole file, which is kept and sliced for the next ranges too.
  var whole = {};
  function getRange(path, start, length) {
    var key = path + "#" + start;
    if (!length) return Promise.resolve("");
    if (whole[path]) return whole[path].then(function (b) { return slice(b, start, length); });
    if (!files[key]) {
      var range = "bytes=" + start + "-" + (start + length - 1);
      files[key] = fetch(root + path, { credentials: "same-origin", headers: { Range: range } }).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        if (r.status === 206) return r.text();
        whole[path] = r.arrayBuffer();
        return whole[path].then(function (b) { return slice(b, start, length); });
      });
      files[key].catch(function () { delete files[key]; delete whole[path]; });
    }
    return files[key];
  }
  function slice(buffer, start, length) {
    return new TextDecoder().decode(new Uint8Array(buffer, start, Math.min(length, buffer.byteLength - start)));
  }

  var manifest = null;
  function loadManifest() {
    return get("search.json").then(function (m) {
      if (m.version !== 4) throw new Error("search.json: unknown index version");
      manifest = m;
      return m;
    });
  }

  // ---- folding and tokens (the same rules as src/search/tokens.rs) ----
  var fold = {}, folding = null;
  function loadFold(q) {
    if (!/[\u3400-\uffff]/.test(q)) return Promise.resolve();
    return ensureFold();
  }
  function ensureFold() {
    if (!folding) {
      folding = get("search/fold.json").then(function (pairs) {
        var chars = Array.from(pairs);
        for (var i = 0; i + 1 < chars.length; i += 2) fold[chars[i]] = chars[i + 1];
        folded.clear();
      });
      folding.catch(function () { folding = null; });
    }
    return folding;
  }

  // The folded characters of text, and for each the index (in UTF-16 units) of the
  // character of text it came from.
  function foldText(text) {
    var chars = [], from = [], at = 0;
    for (var c of text) {
      var n = foldChar(c);
      for (var i = 0; i < n.length; i++) {
        chars.push(n[i]);
        from.push(at);
      }
      at += c.length;
    }
    from.push(at);
    return { chars: chars, from: from };
  }
  // One character folded (NFKC, lower case, traditional → simplified), as the characters it
  // becomes; remembered, since normalize() for each character of a long text costs
  // milliseconds. Emptied when fold.json arrives.
  var folded = new Map();
  function foldChar(c) {
    var n = folded.get(c);
    if (!n) {
      n = Array.from(c.charCodeAt(0) < 128 ? c.toLowerCase() : c.normalize("NFKC").toLowerCase())
        .map(function (f) { return fold[f] || f; });
      folded.set(c, n);
    }
    return n;
  }

  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) || (n >= 0x4e00 && n <= 0x9fff) ||
      (n >= 0xac00 && n <= 0xd7af) || (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x3134f);
  }
  var WORD = /[\p{L}\p{N}\p{M}]/u;

  // Tokens of folded characters: {t: term, at: offset, pos: has positions}.
  function tokens(chars) {
    var out = [], word = "", start = 0;
    function flush() { if (word) out.push({ t: word, at: start, pos: true }); word = ""; }
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (isCjk(c)) {
        flush();
        out.push({ t: c, at: i, pos: false });
        if (i + 1 < chars.length && isCjk(chars[i + 1])) out.push({ t: c + chars[i + 1], at: i, pos: true });
      } else if (WORD.test(c)) {
        if (!word) start = i;
        word += c;
      } else flush();
    }
    flush();
    return out;
  }

  // A query part (no spaces) as the terms to look up: its bigrams and words, with their
  // offsets, plus single characters no bigram covers.
  function partTerms(part) {
    var chars = foldText(part).chars, all = tokens(chars);
    var positional = all.filter(function (k) { return k.pos; });
    var covered = {};
    positional.forEach(function (k) { if (isCjk(Array.from(k.t)[0])) { covered[k.at] = covered[k.at + 1] = true; } });
    var single = all.filter(function (k) { return !k.pos && !covered[k.at]; });
    return { phrase: positional, single: single, text: chars.join("") };
  }

  // ---- index files ----
  function fnv1a(term) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function shardOf(term) {
    var bits = manifest.shardBits;
    if (!bits) return 0;
    var h = fnv1a(term), r = 0;
    for (var i = 0; i < 32; i++) { r = (r << 1) | (h & 1); h >>>= 1; }
    return (r >>> 0) >>> (32 - bits);
  }

  function gaps(s) {
    var out = [], n = 0;
    if (!s) return out;
    var parts = s.split(",");
    for (var i = 0; i < parts.length; i++) { n += parseInt(parts[i], 36); out.push(n); }
    return out;
  }
  function docList(s) {
    if (s.charAt(0) !== "~") return gaps(s);
    var bin = atob(s.slice(1)), out = [];
    for (var i = 0; i < bin.length; i++) {
      var b = bin.charCodeAt(i);
      for (var j = 0; b && j < 8; j++, b >>= 1) if (b & 1) out.push(i * 8 + j);
    }
    return out;
  }

  // Documents edited since the shards were assembled: search/delta.json holds their fields
  // (title, deck, body), indexed here as the build indexes an article; what the shards say
  // of them is dropped.
  function loadDelta() {
    if (!manifest.delta) return Promise.resolve(null);
    return Promise.all([get("search/delta.json"), ensureFold()]).then(function (got) {
      var d = got[0];
      if (!d.changed) {
        d.indexed = d.docs.map(function (doc) { return { id: doc[0], terms: indexFields(doc.slice(1)) }; });
        d.indexed.sort(function (a, b) { return a.id - b.id; });
        d.changed = new Set(d.indexed.map(function (x) { return x.id; }));
      }
      return d;
    });
  }
  // term -> {fields: bits (1 title, 2 deck, 4 body), pos: [offsets]}, offsets counted as the
  // build counts them (fields one after the other, a gap apart).
  function indexFields(fields) {
    var terms = new Map(), offset = 0;
    fields.forEach(function (text, f) {
      var chars = foldText(text || "").chars;
      tokens(chars).forEach(function (k) {
        var e = terms.get(k.t);
        if (!e) { e = { fields: 0, pos: [] }; terms.set(k.t, e); }
        e.fields |= 1 << f;
        if (k.pos) e.pos.push(offset + k.at);
      });
      offset += chars.length + 1;
    });
    return terms;
  }
  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null;
  }
  function kept(ids, delta) {
    return delta ? ids.filter(function (id) { return !delta.changed.has(id); }) : ids;
  }

  // A term's postings: {docs, title: Set, deck: Set}, or null when no document has it. Kept for
  // the page view: the keystrokes' prefetches and every later query share one decoding.
  var lookups = new Map();
  function lookup(term) {
    if (!lookups.has(term)) {
      var found = readPostings(term);
      lookups.set(term, found);
      found.catch(function () { lookups.delete(term); });
    }
    return lookups.get(term);
  }
  function readPostings(term) {
    var shard = shardOf(term);
    return Promise.all([get("search/t/" + shard + ".json"), loadDelta()]).then(function (got) {
      var e = own(got[0], term) || [""], delta = got[1];
      var base = docList(e[0]), docs = kept(base, delta);
      var title = kept(gaps(e[1]), delta), deck = kept(gaps(e[2]), delta), added = new Map();
      if (delta) {
        delta.indexed.forEach(function (x) {
          var found = x.terms.get(term);
          if (!found) return;
          added.set(x.id, found.pos);
          if (found.fields & 1) title.push(x.id);
          if (found.fields & 2) deck.push(x.id);
        });
        if (added.size) docs = docs.concat(Array.from(added.keys())).sort(function (a, b) { return a - b; });
      }
      if (!docs.length) return null;
      return { term: term, shard: shard, range: e.length > 3 ? [e[3], e[4]] : null, docs: docs, base: base,
        added: added, title: new Set(title), deck: new Set(deck) };
    });
  }
  // The term's positions in each document: its byte range of the shard's position file, cut
  // into each document's list, decoded only for the documents a phrase asks about (a common
  // bigram has thousands). Fetched once per term.
  function positionsOf(p) {
    if (!p.ready) {
      var fetched = p.range ? getRange("search/p/" + p.shard + ".txt", p.range[0], p.range[1]) : Promise.resolve("");
      p.ready = fetched.then(function (text) {
        p.positions = positionLists(p, text.split(";"));
        return p;
      });
      p.ready.catch(function () { p.ready = null; });
    }
    return p.ready;
  }
  function positionLists(p, lists) {
    var decoded = new Map();
    return {
      get: function (doc) {
        if (p.added.has(doc)) return p.added.get(doc);
        if (!decoded.has(doc)) {
          var i = indexOf(p.base, doc);
          decoded.set(doc, i < 0 ? [] : gaps(lists[i] || ""));
        }
        return decoded.get(doc);
      }
    };
  }
  // Where a number is in an ascending list, or -1.
  function indexOf(sorted, n) {
    var lo = 0, hi = sorted.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] === n) return mid;
      if (sorted[mid] < n) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  // Whether a document holds the phrase: its terms at positions that keep the query's offsets.
  function hasPhrase(doc, phrase) {
    var first = phrase[0].p.positions.get(doc) || [];
    var rest = phrase.slice(1).map(function (k) { return { at: k.at - phrase[0].at, set: new Set(k.p.positions.get(doc) || []) }; });
    return first.some(function (p) { return rest.every(function (r) { return r.set.has(p + r.at); }); });
  }

  function dateOf(id) {
    var d = manifest.dates, lo = 0, hi = d.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (d[mid][0] <= id) lo = mid; else hi = mid - 1; }
    return d.length ? d[lo][1] : "";
  }

  // ---- a query ----
  function find(query, filters) {
    var parts = query.split(/\s+/).filter(Boolean).map(partTerms);
    var wanted = [];
    parts.forEach(function (part) {
      part.phrase.concat(part.single).forEach(function (k) { wanted.push(k); });
    });
    if (!wanted.length) return Promise.resolve({ hits: [], parts: parts });
    return Promise.all(wanted.map(function (k) { return lookup(k.t); })).then(function (found) {
      if (found.some(function (p) { return !p; })) return { hits: [], parts: parts };
      wanted.forEach(function (k, i) { k.p = found[i]; });
      var docs = found.map(function (p) { return p.docs; }).reduce(intersect);
      docs = docs.filter(function (id) { return passes(id, filters); });
      var phrases = parts.map(function (part) { return part.phrase; }).filter(function (ph) { return ph.length > 1; });
      var needed = [];
      phrases.forEach(function (ph) { ph.forEach(function (k) { needed.push(k.p); }); });
      var ready = docs.length && needed.length ? Promise.all(needed.map(positionsOf)) : Promise.resolve();
      // Most candidates of a phrase are hits: fetching the first page's metadata blocks while
      // the positions load saves the round trip after them (get() keeps the promises).
      if (needed.length) prefetchRows(ranked(docs, wanted).slice(0, PER_PAGE));
      return ready.then(function () {
        docs = docs.filter(function (id) { return phrases.every(function (ph) { return hasPhrase(id, ph); }); });
        return { hits: ranked(docs, wanted), parts: parts };
      });
    });
  }

  // Best first (title > kicker/subtitle > body); on ties newer first (ids grow with the date).
  function ranked(docs, wanted) {
    var hits = docs.map(function (id) {
      var score = 0;
      wanted.forEach(function (k) { score += k.p.title.has(id) ? 100 : k.p.deck.has(id) ? 10 : 1; });
      return { id: id, score: score };
    });
    hits.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
    return hits;
  }

  function rowsBlock(id) { return "search/d/" + Math.floor(id / manifest.block) + ".json"; }

  function prefetchRows(hits) {
    hits.forEach(function (h) { get(rowsBlock(h.id)).catch(function () {}); });
  }

  function passes(id, filters) {
    if (filters.section !== null && manifest.docSections.charAt(id) !== filters.section) return false;
    if (filters.from || filters.to) {
      var d = dateOf(id);
      if (filters.from && d < filters.from) return false;
      if (filters.to && d > filters.to) return false;
    }
    return true;
  }

  // ---- showing results ----
  // "2024-05-24" in the page language ("2024年5月24日", "24 May 2024"). One formatter for the
  // page: making one costs more than the rest of a result's markup.
  var dateFormat;
  function formatDate(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (!m || !window.Intl) return d;
    try {
      if (!dateFormat) {
        dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "long", timeZone: "UTC" });
      }
      return dateFormat.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
    } catch (err) { return d; }
  }

  // Where the folded needles occur in text: [start, end) ranges in text's own indexes.
  function matches(text, needles) {
    var f = foldText(text), hay = f.chars, out = [];
    needles.forEach(function (needle) {
      var n = Array.from(needle);
      if (!n.length) return;
      for (var i = 0; i + n.length <= hay.length; i++) {
        var ok = true;
        for (var j = 0; ok && j < n.length; j++) ok = hay[i + j] === n[j];
        if (ok) out.push([f.from[i], f.from[i + n.length]]);
      }
    });
    return out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  }

  // Appends text[from, to) to el with the ranges marked.
  function highlight(el, text, ranges, from, to) {
    var pos = from;
    ranges.forEach(function (r) {
      if (r[0] < pos || r[1] > to) return;
      if (r[0] > pos) el.appendChild(document.createTextNode(text.slice(pos, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(r[0], r[1]);
      el.appendChild(mark);
      pos = r[1];
    });
    if (pos < to) el.appendChild(document.createTextNode(text.slice(pos, to)));
  }

  function showExcerpt(p, text, needles) {
    var ranges = matches(text, needles);
    var at = ranges.length ? ranges[0][0] : 0;
    var start = Math.max(0, at - EXCERPT), end = Math.min(text.length, at + EXCERPT * 2);
    if (start > 0) p.appendChild(document.createTextNode("…"));
    highlight(p, text, ranges, start, end);
    if (end < text.length) p.appendChild(document.createTextNode("…"));
  }

  // row: [title, url, section, date, page, text start, text length]; excerpt: the promise of
  // the document's text.
  function resultItem(row, excerpt, needles) {
    var li = document.createElement("li");
    li.className = "search-result";
    var meta = document.createElement("p");
    meta.className = "search-result__meta";
    if (row[2]) {
      var sec = document.createElement("span");
      sec.className = "rubric";
      sec.textContent = row[2];
      meta.appendChild(sec);
    }
    var time = document.createElement("time");
    time.setAttribute("datetime", row[3]);
    time.textContent = formatDate(row[3]);
    meta.appendChild(time);
    if (row[4]) {
      var page = document.createElement("span");
      page.textContent = row[4];
      meta.appendChild(page);
    }
    var h = document.createElement("h2");
    h.className = "search-result__title";
    var a = document.createElement("a");
    a.href = withBase(row[1]);
    highlight(a, row[0], matches(row[0], needles), 0, row[0].length);
    h.appendChild(a);
    var p = document.createElement("p");
    p.className = "search-result__excerpt";
    li.appendChild(meta);
    li.appendChild(h);
    li.appendChild(p);
    excerpt.then(function (text) { showExcerpt(p, text, needles); }, function () {});
    return li;
  }

  // Lists page `page` of the result, unless isCurrent() says a newer query or page came first.
  function showPage(result, page, isCurrent) {
    var hits = result.hits, pages = Math.max(1, Math.ceil(hits.length / PER_PAGE));
    page = Math.min(Math.max(1, page), pages);
    var shown = hits.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    var needles = result.parts.map(function (part) { return part.text; });
    var rows = shown.map(function (h) {
      return get(rowsBlock(h.id)).then(function (block) { return block[h.id % manifest.block]; });
    });
    // Each text is asked for as soon as its row says where it is, while the other rows load.
    var texts = shown.map(function (h, i) {
      return rows[i].then(function (row) {
        if (!isCurrent()) return "";
        return getRange("search/x/" + Math.floor(h.id / manifest.textBlock) + ".txt", row[5], row[6]);
      });
    });
    texts.forEach(function (t) { t.catch(function () {}); });
    return Promise.all(rows).then(function (rows) {
      if (!isCurrent()) return page;
      var items = document.createDocumentFragment();
      shown.forEach(function (h, i) { items.appendChild(resultItem(rows[i], texts[i], needles)); });
      list.textContent = "";
      list.appendChild(items);
      status.textContent = hits.length ? msg.count.replace("{n}", String(hits.length)) : msg.none;
      pager.hidden = pages < 2;
      prev.disabled = page <= 1;
      next.disabled = page >= pages;
      pageLabel.textContent = msg.page.replace("{n}", String(page)).replace("{total}", String(pages));
      if (window.performance && performance.mark) performance.mark("search-shown");
      return page;
    });
  }

  // ---- the form and the URL ----
  var current = null, currentPage = 1, serial = 0;

  function filters() {
    var name = sectionBox ? sectionBox.value : "", code = null;
    if (name) {
      var at = manifest.sections.indexOf(name);
      code = at < 0 ? "\u0000" : String.fromCharCode(48 + at);
    }
    return { section: code, from: fromBox ? fromBox.value : "", to: toBox ? toBox.value : "" };
  }

  function remember() {
    var u = new URL(window.location.href);
    var params = { q: input.value, section: sectionBox && sectionBox.value, from: fromBox && fromBox.value,
      to: toBox && toBox.value, page: currentPage > 1 ? String(currentPage) : "" };
    Object.keys(params).forEach(function (k) { if (params[k]) u.searchParams.set(k, params[k]); else u.searchParams.delete(k); });
    window.history.replaceState(null, "", u);
  }

  // What a run shows: a second run of the same query, filters and page (Enter after the
  // debounce's run, an input event after compositionend) would only redraw the same list.
  function runKey(q, page) {
    return [q, sectionBox ? sectionBox.value : "", fromBox ? fromBox.value : "", toBox ? toBox.value : "", page].join("\n");
  }
  var shownKey = null, pendingKey = null;

  function run(page) {
    var q = input.value.trim();
    var key = runKey(q, page || 1);
    clearTimeout(timer);
    pendingKey = null;
    if (key === shownKey) return;
    var mine = ++serial;
    shownKey = key;
    currentPage = page || 1;
    // The URL follows once the results are shown: replaceState costs milliseconds.
    if (!q) { remember(); list.textContent = ""; status.textContent = ""; pager.hidden = true; return; }
    status.textContent = msg.loading;
    if (window.performance && performance.mark) performance.mark("search-start");
    var isCurrent = function () { return mine === serial; };
    Promise.all([loadManifest(), loadFold(q)])
      .then(function () { return find(q, filters()); })
      .then(function (result) {
        if (!isCurrent()) return;
        current = result;
        return showPage(result, currentPage, isCurrent).then(function (p) {
          if (!isCurrent()) return;
          currentPage = p;
          shownKey = runKey(q, p);
          remember();
        });
      })
      .catch(function (err) { if (isCurrent()) failed(err); });
  }

  function failed(err) {
    shownKey = null;
    status.textContent = msg.error;
    if (window.console) console.warn(err);
  }

  function turn(by) {
    if (!current) return;
    var mine = ++serial, isCurrent = function () { return mine === serial; };
    currentPage += by;
    showPage(current, currentPage, isCurrent).then(function (p) {
      if (!isCurrent()) return;
      currentPage = p;
      shownKey = runKey(input.value.trim(), p);
      remember();
      list.focus();
    }).catch(function (err) { if (isCurrent()) failed(err); });
  }

  // Fetches, without showing anything, the files the query in the box will need: its terms'
  // shards and, for a phrase, their position ranges. Called at each keystroke, so when the
  // query runs (after the pause or on Enter) they are usually there.
  function prefetch() {
    var q = input.value.trim();
    if (!q) return;
    Promise.all([loadManifest(), loadFold(q)]).then(function () {
      q.split(/\s+/).filter(Boolean).map(partTerms).forEach(function (part) {
        var phrase = part.phrase.length > 1;
        part.phrase.concat(part.single).forEach(function (k) {
          lookup(k.t).then(function (p) { return p && phrase ? positionsOf(p) : null; }).catch(function () {});
        });
      });
    }).catch(function () {});
  }

  // A keystroke: an IME's composition (pinyin on its way to 汉字) is not a query yet; its
  // end is, and it is final, so it runs without the typing pause.
  // The input event Firefox sends after compositionend changes nothing: it must not put the
  // composed query back behind the pause.
  function typed(ev) {
    if (ev.isComposing) return;
    var key = runKey(input.value.trim(), 1);
    if (key === shownKey || key === pendingKey) return;
    prefetch();
    clearTimeout(timer);
    pendingKey = key;
    timer = setTimeout(function () { run(1); }, ev.type === "compositionend" ? 0 : 150);
  }

  var timer = null;
  list.setAttribute("tabindex", "-1");
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(1); });
  input.addEventListener("input", typed);
  input.addEventListener("compositionend", typed);
  [sectionBox, fromBox, toBox].forEach(function (box) { if (box) box.addEventListener("change", function () { run(1); }); });
  prev.addEventListener("click", function () { turn(-1); });
  next.addEventListener("click", function () { turn(1); });
  // A pointer on "next page" or the focus on it: its metadata blocks are fetched before the click.
  function nearNext() {
    if (current) prefetchRows(current.hits.slice(currentPage * PER_PAGE, (currentPage + 1) * PER_PAGE));
  }
  next.addEventListener("pointerenter", nearNext);
  next.addEventListener("focus", nearNext);
  // The files every query needs are fetched with the page (about 33 KB), not after the first
  // keystroke: someone on the search page is about to search.
  loadManifest().catch(function () {});
  if (/^zh|^ja|^ko/i.test(document.documentElement.lang || "")) ensureFold().catch(function () {});
  // The first use of Intl's date format and of normalize() loads their data (about 15 ms
  // each in Chromium): done while the page is idle, not in the first query.
  (window.requestIdleCallback || window.setTimeout)(function () {
    formatDate("2024-05-24");
    tokens(foldText("臺灣ＡＩ 5g").chars);
  });

  var params = new URLSearchParams(window.location.search);
  if (sectionBox && params.get("section")) sectionBox.value = params.get("section");
  if (fromBox && params.get("from")) fromBox.value = params.get("from");
  if (toBox && params.get("to")) toBox.value = params.get("to");
  if (params.get("q")) { input.value = params.get("q"); run(parseInt(params.get("page"), 10) || 1); }
})();
