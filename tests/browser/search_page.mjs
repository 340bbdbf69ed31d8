#!/usr/bin/env node
// Opens a search page served from 127.0.0.1 in Debian's headless Chromium (through
// playwright-core), lets the theme's search.js run the query in the URL (`?q=…`), and prints
// one line of JSON on stdout:
//
//   {"status": "...", "results": [{"title": "...", "href": "..."}],
//    "requests": ["/news/search.json", ...], "consoleErrors": [...], "failedRequests": [...]}
//
// It waits (deadline SEARCH_PAGE_TIMEOUT_MS, default 30000) until a result is listed or the
// status line says something other than the loading message. `requests` are the paths of the
// JSON files the page fetched (the index and its shards). Requests to hosts other than
// 127.0.0.1 are aborted and listed in failedRequests.
//
// Usage: node tests/browser/search_page.mjs URL
// Exit:  0 with the JSON on stdout; 2 on bad usage; 1 when the page could not be loaded or
//        the search never finished (the reason on stderr). Used by tests/it/html_valid.rs.

import { launch } from './chromium.mjs';

const url = process.argv[2];
if (!url || process.argv.length > 3) {
  console.error('usage: node search_page.mjs URL');
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
  }, null, { timeout });
  const report = await page.evaluate(() => ({
    status: document.getElementById('search-status')?.textContent.trim() ?? '',
    results: [...document.querySelectorAll('#search-results li a')].map((a) => ({
      title: a.textContent.trim(),
      href: a.getAttribute('href'),
    })),
  }));
  console.log(JSON.stringify({ ...report, requests, consoleErrors, failedRequests }));
} catch (error) {
  console.error(`search_page: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
