#!/usr/bin/env node
// Times Pagefind's JS API on the same queries as search_timing.mjs, for the comparison in
// docs/performance.md ("Search: against Pagefind"). For each query, a fresh page at PAGE_URL
// (any page of a site served on 127.0.0.1 whose `/pagefind/` holds a Pagefind bundle) imports
// `/pagefind/pagefind.js` and runs `init()` (its entry file, wasm and language metadata, as a
// page would at load), waits 300 ms, then times `search(query)` and the `data()` (title, URL,
// excerpt) of the first 10 results: `ms`. Bytes are every `/pagefind/` response of the page,
// counted from the network (Pagefind fetches from a web worker, which the page's resource
// timings miss); Pagefind's files are gzip-compressed inside. `count` is how many pages it
// lists, `literal_in_first_10` how many of the first 10 hold the query as typed. Prints one
// line of JSON per query and then {"median_ms": …, "max_bytes": …}.
//
// Usage: node tests/browser/search_pagefind.mjs PAGE_URL QUERY...
//   e.g. node tests/browser/search_pagefind.mjs http://127.0.0.1:1111/404.html 城积 民扎
// Exit: 0; 2 on bad usage; 1 when a page or a query failed (the reason on stderr).

import { launch } from './chromium.mjs';

const [url, ...queries] = process.argv.slice(2);
if (!url || queries.length === 0) {
  console.error('usage: node search_pagefind.mjs PAGE_URL QUERY...');
  process.exit(2);
}
const TIMEOUT = 30000;

const browser = await launch(TIMEOUT);
const times = [];
let maxBytes = 0;
try {
  for (const query of queries) {
    const context = await browser.newContext();
    const responses = [];
    context.on('requestfinished', (request) => {
      if (!new URL(request.url()).pathname.startsWith('/pagefind/')) return;
      responses.push(request.sizes().then((sizes) => sizes.responseBodySize));
    });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
    await page.evaluate(async () => {
      window.pagefind = await import('/pagefind/pagefind.js');
      await window.pagefind.init();
    });
    await page.waitForTimeout(300);
    const initBytes = sum(await Promise.all(responses));
    const result = await page.evaluate(async (q) => {
      const start = performance.now();
      const search = await window.pagefind.search(q);
      const shown = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      const ms = performance.now() - start;
      return { ms, count: search.results.length, literal: shown.filter((d) => d.content.includes(q)).length };
    }, query);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(200);
    const sizes = await Promise.all(responses);
    const bytes = sum(sizes);
    const ms = Math.round(result.ms * 10) / 10;
    times.push(ms);
    maxBytes = Math.max(maxBytes, bytes);
    console.log(JSON.stringify({ query, ms, count: result.count, literal_in_first_10: result.literal, bytes,
      init_bytes: initBytes, files: sizes.length }));
    await context.close();
  }
} catch (error) {
  console.error(`search_pagefind: ${error.message}`);
  await browser.close();
  process.exit(1);
}
await browser.close();
const sorted = [...times].sort((a, b) => a - b);
const mid = sorted.length >> 1;
console.log(JSON.stringify({ median_ms: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
  max_bytes: maxBytes }));

/** The sum of a list of numbers. */
function sum(list) {
  return list.reduce((total, n) => total + n, 0);
}
