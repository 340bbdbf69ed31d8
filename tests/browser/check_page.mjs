#!/usr/bin/env node
// Opens one page in Debian's headless Chromium (driven by playwright-core),
// waits for its `load` event and prints one line of JSON on stdout:
//
//   {"title": "...", "h1": "..." | null, "lang": "...",
//    "consoleErrors": ["..."], "failedRequests": ["https://..."]}
//
// consoleErrors: console.error messages and uncaught page exceptions.
// failedRequests: every request to a host other than 127.0.0.1. They are
// aborted (the page must stand on its own), so nothing leaves the machine.
//
// Usage: node tests/browser/check_page.mjs URL
// Env:   CHECK_PAGE_TIMEOUT_MS (default 30000): deadline for launch + load.
// Exit:  0 with the JSON on stdout; 2 on bad usage; 1 when the page could not
//        be loaded at all (the reason on stderr).
// Used by tests/it/tools.rs (`PageChecker`).

import { launch } from './chromium.mjs';

const url = process.argv[2];
if (!url || process.argv.length > 3) {
  console.error('usage: node check_page.mjs URL');
  process.exit(2);
}
const timeout = Number(process.env.CHECK_PAGE_TIMEOUT_MS ?? 30000);

/** True for requests the page may make: local ones and inline data. */
function isLocal(requestUrl) {
  const { protocol, hostname } = new URL(requestUrl);
  if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') {
    return true; // data:, blob:, about: never touch the network
  }
  return hostname === '127.0.0.1';
}

const browser = await launch(timeout);
try {
  const consoleErrors = [];
  const failedRequests = [];
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const requestUrl = route.request().url();
    if (isLocal(requestUrl)) {
      return route.continue();
    }
    failedRequests.push(requestUrl);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url: where, lineNumber } = message.location();
      const at = where ? ` (${where}:${lineNumber})` : '';
      // Aborted external requests are already reported in failedRequests.
      if (!message.text().includes('net::ERR_BLOCKED_BY_CLIENT')) {
        consoleErrors.push(`${message.text()}${at}`);
      }
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));

  const response = await page.goto(url, { waitUntil: 'load', timeout });
  if (!response || !response.ok()) {
    throw new Error(`${url} answered ${response ? response.status() : 'nothing'}`);
  }
  const report = await page.evaluate(() => ({
    title: document.title,
    h1: document.querySelector('h1')?.textContent.trim() ?? null,
    lang: document.documentElement.getAttribute('lang') ?? '',
  }));
  console.log(JSON.stringify({ ...report, consoleErrors, failedRequests }));
} catch (error) {
  console.error(`check_page: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
