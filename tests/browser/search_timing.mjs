#!/usr/bin/env node
// Times search queries as a reader makes them: for each query, opens the search page (no
// query in the URL), waits until it has loaded, types the query into #search-q and presses
// Enter, and measures the time from search.js's `search-start` mark to `search-shown` (the
// first page of results listed): `ms`; and the uncompressed bytes of every index file fetched
// for the page (`search.json`, `search/…`). Then, on a fresh page whose box has had the focus
// for 300 ms, the query is put in the box and submitted in one step (its input event and
// Enter at the same instant, so nothing the keystroke starts can be ready before the query
// runs): `cold_ms`, the same marks. Prints one line of JSON per query and then
// {"median_ms": …, "median_cold_ms": …, "max_bytes": …}.
//
// Usage: node tests/browser/search_timing.mjs SEARCH_URL QUERY...
//   e.g. node tests/browser/search_timing.mjs http://127.0.0.1:1111/search/ 城积 民扎
// Exit: 0; 2 on bad usage; 1 when a query never showed results (the reason on stderr).
// A request to a host other than 127.0.0.1 fails the run (exit 1).

import { launch } from './chromium.mjs';

const [url, ...queries] = process.argv.slice(2);
if (!url || queries.length === 0) {
  console.error('usage: node search_timing.mjs SEARCH_URL QUERY...');
  process.exit(2);
}
const INDEX = /\/search\.json$|\/search\/[tpdx]\/|\/search\/(fold|delta)\.json$/;

const browser = await launch(30000);
const times = [];
const coldTimes = [];
let maxBytes = 0;
try {
  for (const query of queries) {
    const context = await browser.newContext();
    // Requests are watched, not intercepted: routing each one through playwright doubled
    // the query's time. A request beyond 127.0.0.1 fails the run.
    const outside = [];
    context.on('request', (request) => {
      const target = new URL(request.url());
      if (target.protocol.startsWith('http') && target.hostname !== '127.0.0.1') {
        outside.push(target.href);
      }
    });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    await page.fill('#search-q', query);
    await page.press('#search-q', 'Enter');
    await page.waitForFunction(() => performance.getEntriesByName('search-shown').length > 0,
      null, { timeout: 30000 });
    const ms = await page.evaluate(startToShown);
    // The excerpts of the results shown are part of the page's bytes. Counted from the page's
    // resource timings (uncompressed body sizes), not by reading responses while the query
    // runs, which slowed it by half.
    await page.waitForLoadState('networkidle');
    const bytes = await page.evaluate((pattern) => {
      const index = new RegExp(pattern);
      return performance.getEntriesByType('resource')
        .filter((r) => index.test(new URL(r.name).pathname))
        .reduce((sum, r) => sum + r.decodedBodySize, 0);
    }, INDEX.source);
    const cold = await context.newPage();
    await cold.goto(url, { waitUntil: 'load' });
    await cold.focus('#search-q');
    await cold.waitForTimeout(300);
    await cold.evaluate((q) => {
      const box = document.getElementById('search-q');
      box.value = q;
      box.dispatchEvent(new InputEvent('input', { data: q, inputType: 'insertText' }));
      box.form.requestSubmit();
    }, query);
    await cold.waitForFunction(() => performance.getEntriesByName('search-shown').length > 0,
      null, { timeout: 30000 });
    const coldMs = await cold.evaluate(startToShown);
    if (outside.length) throw new Error(`requests beyond 127.0.0.1: ${outside.join(' ')}`);
    times.push(ms);
    coldTimes.push(coldMs);
    maxBytes = Math.max(maxBytes, bytes);
    console.log(JSON.stringify({ query, ms, cold_ms: coldMs, bytes }));
    await context.close();
  }
} catch (error) {
  console.error(String(error));
  await browser.close();
  process.exit(1);
}
await browser.close();
console.log(JSON.stringify({ median_ms: median(times), median_cold_ms: median(coldTimes),
  max_bytes: maxBytes }));

/** In the page: ms from the first query's `search-start` mark to its `search-shown`. */
function startToShown() {
  const start = performance.getEntriesByName('search-start')[0].startTime;
  const shown = performance.getEntriesByName('search-shown')[0].startTime;
  return Math.round((shown - start) * 10) / 10;
}

/** The median of a list of numbers. */
function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
