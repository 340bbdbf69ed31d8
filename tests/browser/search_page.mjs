#!/usr/bin/env node
// Opens a search page served from 127.0.0.1 in Debian's headless Chromium (through
// playwright-core), lets the theme's search.js run the query in the URL (`?q=…`), and prints
// one line of JSON on stdout:
//
//   {"status": "...", "results": [{"title": "...", "href": "..."}],
//    "requests": ["/news/search.json", ...], "consoleErrors": [...], "failedRequests": [...],
//    "ms": 42.1, "bytes": 123456}
//
// `ms` is the time from the query's start to its first listed results (marks `search-start`
// and `search-shown` that search.js sets); `bytes` the uncompressed bytes of every index file fetched by then
// (`search.json` and everything under `search/`). With `--all` it then presses "next page"
// until the last page and lists every result (for scripts/search_check.py).
//
// It waits (deadline SEARCH_PAGE_TIMEOUT_MS, default 30000) until a result is listed or the
// status line says something other than the loading message. `requests` are the paths of the
// JSON files the page fetched (the index and its shards). Requests to hosts other than
// 127.0.0.1 are aborted and listed in failedRequests.
//
// Usage: node tests/browser/search_page.mjs [--all] URL
// Exit:  0 with the JSON on stdout; 2 on bad usage; 1 when the page could not be loaded or
//        the search never finished (the reason on stderr). Used by tests/it/html_valid.rs.

import { launch } from './chromium.mjs';

const args = process.argv.slice(2);
const all = args[0] === '--all';
const url = all ? args[1] : args[0];
if (!url || args.length > (all ? 2 : 1)) {
  console.error('usage: node search_page.mjs [--all] URL');
  process.exit(2);
}
const timeout = Number(process.env.SEARCH_PAGE_TIMEOUT_MS ?? 30000);

const browser = await launch(timeout);
try {
  const consoleErrors = [];
  const failedRequests = [];
  const requests = [];
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.protocol.startsWith('http') && target.hostname !== '127.0.0.1') {
      failedRequests.push(target.href);
      return route.abort('blockedbyclient');
    }
    if (target.pathname.endsWith('.json')) requests.push(target.pathname);
    return route.continue();
  });
  let bytes = 0;
  let counting = true;
  context.on('response', async (response) => {
    const path = new URL(response.url()).pathname;
    if (!/\/search\.json$|\/search\/[tpdx]\/|\/search\/(fold|delta)\.json$/.test(path)) return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    if (counting) bytes += body.length;
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('net::ERR_BLOCKED_BY_CLIENT')) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));

  const response = await page.goto(url, { waitUntil: 'load', timeout });
  if (!response || !response.ok()) {
    throw new Error(`${url} answered ${response ? response.status() : 'nothing'}`);
  }
  // The form carries the loading message; the search is done when the status shows another.
  await page.waitForFunction(() => {
    const form = document.getElementById('search-form');
    const status = document.getElementById('search-status')?.textContent.trim() ?? '';
    const loading = form?.getAttribute('data-msg-loading') ?? '';
    return document.querySelector('#search-results li') || (status && status !== loading);
  }, null, { timeout, polling: 'raf' });
  // Excerpts come after the titles; let them arrive before the bytes are counted.
  await page.waitForFunction(() => [...document.querySelectorAll('.search-result__excerpt')]
    .every((p) => p.textContent), null, { timeout });
  await page.waitForTimeout(50);
  counting = false;
  // search.js marks when a query starts and when its first results are listed.
  const ms = await page.evaluate(() => {
    const [start] = performance.getEntriesByName('search-start');
    const [shown] = performance.getEntriesByName('search-shown');
    return start && shown ? Math.round((shown.startTime - start.startTime) * 10) / 10 : null;
  });
  const everything = [];
  while (all) {
    everything.push(...await page.evaluate(() => [...document.querySelectorAll('#search-results li a')]
      .map((a) => ({ title: a.textContent.trim(), href: a.getAttribute('href') }))));
    const next = await page.$('#search-next:not([disabled])');
    const pager = await page.$('#search-pages:not([hidden])');
    if (!next || !pager) break;
    const first = await page.evaluate(() => document.querySelector('#search-results li a')?.getAttribute('href'));
    await next.click();
    await page.waitForFunction((f) => document.querySelector('#search-results li a')?.getAttribute('href') !== f,
      first, { timeout });
  }
  const report = await page.evaluate(() => ({
    status: document.getElementById('search-status')?.textContent.trim() ?? '',
    results: [...document.querySelectorAll('#search-results li a')].map((a) => ({
      title: a.textContent.trim(),
      href: a.getAttribute('href'),
    })),
  }));
  if (all) report.results = everything;
  console.log(JSON.stringify({ ...report, requests, consoleErrors, failedRequests, ms, bytes }));
} catch (error) {
  console.error(`search_page: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
