#!/usr/bin/env node
// Visits pages of a site served from 127.0.0.1 in Debian's headless Chromium (through
// playwright-core), one browser for all of them, and prints one line of JSON on stdout:
//
//   [{"name": "...", "path": "...", "title": "...", "h1": "..." | null,
//     "consoleErrors": [...], "failedRequests": [...],
//     "axe": [{"id": "...", "impact": "serious", "help": "...", "targets": ["..."]}],
//     "search": {"status": "...", "results": [{"title": "...", "href": "..."}]} | null,
//     "screenshots": ["DIR/name-390.png", "DIR/name-1280.png"],
//     "afterPress": "/path/after/the/key/" | null}]
//
// Each page is loaded at 1280 px wide, checked with axe-core (every violation, with its
// impact), and screenshotted at 390 and 1280 px (full page). A page marked "search" waits
// until the theme's search.js has run the query in its URL (the DOM contract: input
// #search-q, status #search-status, results "#search-results li a") and reports what it
// lists. A page with "press": "ArrowRight" then gets that key pressed and reports the path it
// went to (keys.js). Requests to hosts other than 127.0.0.1 are aborted and listed in
// failedRequests.
//
// Usage: node tests/browser/reader_pages.mjs BASE_URL SCREENSHOT_DIR PAGES_JSON
//   PAGES_JSON: [{"name": "home", "path": "/", "search": false, "press": null}, ...]
// Env:   READER_PAGES_TIMEOUT_MS (default 30000): deadline for each page's load and search.
// Exit:  0 with the JSON on stdout; 2 on bad usage; 1 when a page could not be loaded.
// Used by tests/it/reader.rs.

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { launch } from './chromium.mjs';

const [base, screenshotDir, pagesJson] = process.argv.slice(2);
if (!base || !screenshotDir || !pagesJson || process.argv.length > 5) {
  console.error('usage: node reader_pages.mjs BASE_URL SCREENSHOT_DIR PAGES_JSON');
  process.exit(2);
}
const pages = JSON.parse(pagesJson);
const timeout = Number(process.env.READER_PAGES_TIMEOUT_MS ?? 30000);
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WIDTHS = [390, 1280];

/** Waits until search.js has answered the query in the URL, then reads what it lists. */
async function searchResults(page) {
  await page.waitForFunction(() => {
    const form = document.getElementById('search-form');
    const status = document.getElementById('search-status')?.textContent.trim() ?? '';
    const loading = form?.getAttribute('data-msg-loading') ?? '';
    return document.querySelector('#search-results li') || (status && status !== loading);
  }, null, { timeout });
  return page.evaluate(() => ({
    status: document.getElementById('search-status')?.textContent.trim() ?? '',
    results: [...document.querySelectorAll('#search-results li a')].map((a) => ({
      title: a.textContent.trim(),
      href: a.getAttribute('href'),
    })),
  }));
}

/** Every axe-core violation on the page, with its impact and the elements it names. */
async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/** Presses `key` on the page and returns the path it navigates to. */
async function pressKey(page, key) {
  const before = page.url();
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await Promise.all([
    page.waitForURL((url) => url.href !== before, { timeout }),
    page.keyboard.press(key),
  ]);
  return new URL(page.url()).pathname;
}

/** Loads one page, checks it and takes its screenshots. */
async function visit(context, spec) {
  const consoleErrors = [];
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('net::ERR_BLOCKED_BY_CLIENT')) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  await page.setViewportSize({ width: 1280, height: 900 });
  const response = await page.goto(new URL(spec.path, base).href, { waitUntil: 'load', timeout });
  if (!response || !response.ok()) {
    throw new Error(`${spec.path} answered ${response ? response.status() : 'nothing'}`);
  }
  const search = spec.search ? await searchResults(page) : null;
  const head = await page.evaluate(() => ({
    title: document.title,
    h1: document.querySelector('h1')?.textContent.trim() ?? null,
  }));
  const axe = await axeViolations(page);
  const screenshots = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const file = join(screenshotDir, `${spec.name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    screenshots.push(file);
  }
  const afterPress = spec.press ? await pressKey(page, spec.press) : null;
  await page.close();
  return {
    name: spec.name, path: spec.path, ...head, consoleErrors, axe, search, screenshots, afterPress,
  };
}

mkdirSync(screenshotDir, { recursive: true });
const browser = await launch(timeout);
try {
  const failedRequests = [];
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.protocol.startsWith('http') && target.hostname !== '127.0.0.1') {
      failedRequests.push(target.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const reports = [];
  for (const spec of pages) {
    const before = failedRequests.length;
    const report = await visit(context, spec);
    reports.push({ ...report, failedRequests: failedRequests.slice(before) });
  }
  console.log(JSON.stringify(reports));
} catch (error) {
  console.error(`reader_pages: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
