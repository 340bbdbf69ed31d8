// broadsheet client-side search. No dependencies, no external requests.
// Reads the index URL from the form's data-index attribute (an attribute so the
// site's base path can be applied to it) and matches the query as a plain,
// case-insensitive substring, which works for CJK text without tokenising.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[type=search]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var basePath = (form.getAttribute("data-base-path") || "/").replace(/\/+$/, "");
  var msg = {
    loading: form.getAttribute("data-msg-loading") || "Loading…",
    none: form.getAttribute("data-msg-none") || "No results.",
    count: form.getAttribute("data-msg-count") || "{n} results",
    error: form.getAttribute("data-msg-error") || "Search failed."
  };
  var MAX_RESULTS = 50;
  var EXCERPT = 60; // characters of context either side of the match

  // Root-relative URLs from the index get the base path, unless they have it.
  function withBase(u) {
    if (!u || /^[a-z][a-z0-9+.-]*:/i.test(u) || u.charAt(0) !== "/" || u.charAt(1) === "/") return u;
    if (basePath && (u === basePath || u.indexOf(basePath + "/") === 0)) return u;
    return basePath + u;
  }

  var indexUrl = withBase(form.getAttribute("data-index") || "/search.json");
  var entries = null;
  var loading = null;

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  // search.json lists the monthly shards (newest first); fetch them all in parallel.
  // An index that is itself an array (or has `entries`) is used as it is.
  function fetchEntries() {
    return getJson(indexUrl).then(function (data) {
      if (Array.isArray(data)) return data;
      if (!Array.isArray(data.shards)) return data.entries || [];
      return Promise.all(data.shards.map(function (s) { return getJson(withBase(s.url || s)); }))
        .then(function (parts) { return [].concat.apply([], parts); });
    });
  }

  function load() {
    if (!loading) {
      status.textContent = msg.loading;
      loading = fetchEntries()
        .then(function (data) {
          entries = data.map(function (e) {
            var authors = e.authors || [];
            if (!Array.isArray(authors)) authors = [authors];
            authors = authors.map(function (a) { return typeof a === "string" ? a : (a && a.name) || ""; });
            var section = e.section && typeof e.section === "object" ? e.section.name : e.section;
            return {
              title: e.title || "", url: e.url || "", date: e.date || "",
              section: section || "", authors: authors.join("、"),
              summary: e.summary || "", text: e.text || "",
              // lower-cased copies for matching
              t: (e.title || "").toLowerCase(), s: (e.summary || "").toLowerCase(),
              x: (e.text || "").toLowerCase(), a: authors.join(" ").toLowerCase(),
              c: (section || "").toLowerCase()
            };
          });
          return entries;
        })
        .catch(function (err) {
          loading = null;
          status.textContent = msg.error;
          throw err;
        });
    }
    return loading;
  }

  // "2024-05-24" in the page language ("2024年5月24日", "24 May 2024").
  function formatDate(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (!m || !window.Intl) return d;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "long", timeZone: "UTC" })
        .format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
    } catch (err) { return d; }
  }

  function normalise(q) { return q.replace(/\s+/g, " ").trim().toLowerCase(); }

  // Every whitespace-separated term must occur somewhere; the score favours titles.
  function score(e, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var q = terms[i], s = 0;
      if (e.t.indexOf(q) !== -1) s += 10;
      if (e.c.indexOf(q) !== -1 || e.a.indexOf(q) !== -1) s += 5;
      if (e.s.indexOf(q) !== -1) s += 3;
      if (e.x.indexOf(q) !== -1) s += 1;
      if (!s) return 0;
      total += s;
    }
    return total;
  }

  // Append text to el, wrapping each occurrence of any term in <mark>.
  function highlight(el, text, terms) {
    var lower = text.toLowerCase(), pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      for (var i = 0; i < terms.length; i++) {
        var at = lower.indexOf(terms[i], pos);
        if (at !== -1 && (best === -1 || at < best || (at === best && terms[i].length > len))) {
          best = at; len = terms[i].length;
        }
      }
      if (best === -1) break;
      if (best > pos) el.appendChild(document.createTextNode(text.slice(pos, best)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(best, best + len);
      el.appendChild(mark);
      pos = best + len;
    }
    if (pos < text.length) el.appendChild(document.createTextNode(text.slice(pos)));
  }

  // A window of the text around the first match, or the summary.
  function excerpt(e, terms) {
    for (var i = 0; i < terms.length; i++) {
      var at = e.x.indexOf(terms[i]);
      if (at !== -1) {
        var start = Math.max(0, at - EXCERPT), end = Math.min(e.text.length, at + terms[i].length + EXCERPT);
        return (start > 0 ? "…" : "") + e.text.slice(start, end) + (end < e.text.length ? "…" : "");
      }
    }
    if (e.summary) return e.summary;
    return e.text.slice(0, EXCERPT * 2) + (e.text.length > EXCERPT * 2 ? "…" : "");
  }

  function render(q) {
    var terms = normalise(q).split(" ").filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var s = score(entries[i], terms);
      if (s) hits.push({ e: entries[i], s: s });
    }
    hits.sort(function (a, b) { return b.s - a.s || (b.e.date > a.e.date ? 1 : b.e.date < a.e.date ? -1 : 0); });
    status.textContent = hits.length ? msg.count.replace("{n}", String(hits.length)) : msg.none;
    hits.slice(0, MAX_RESULTS).forEach(function (h) {
      var e = h.e;
      var li = document.createElement("li");
      li.className = "search-result";
      var meta = document.createElement("p");
      meta.className = "search-result__meta";
      if (e.section) {
        var sec = document.createElement("span");
        sec.className = "rubric";
        sec.textContent = e.section;
        meta.appendChild(sec);
      }
      if (e.date) {
        var time = document.createElement("time");
        time.setAttribute("datetime", e.date.slice(0, 10));
        time.textContent = formatDate(e.date.slice(0, 10));
        meta.appendChild(time);
      }
      if (e.authors) {
        var by = document.createElement("span");
        by.textContent = e.authors;
        meta.appendChild(by);
      }
      var h = document.createElement("h2");
      h.className = "search-result__title";
      var a = document.createElement("a");
      a.href = withBase(e.url);
      highlight(a, e.title, terms);
      h.appendChild(a);
      var p = document.createElement("p");
      p.className = "search-result__excerpt";
      highlight(p, excerpt(e, terms), terms);
      li.appendChild(meta);
      li.appendChild(h);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  var timer = null;
  function run() {
    var q = input.value;
    var u = new URL(window.location.href);
    if (q) u.searchParams.set("q", q); else u.searchParams.delete("q");
    window.history.replaceState(null, "", u);
    load().then(function () { render(q); }, function () {});
  }

  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(); }
})();
