#!/usr/bin/env node
// Drives the search box as a reader does, in Debian's headless Chromium, and counts the
// queries search.js runs (its `search-start` marks). Prints one line of JSON:
//
//   {"enterRuns": 1, "enterResults": 10, "composingRuns": 0, "composedRuns": 1,
//    "composedStartMs": 3.2, "composedResults": 10, "consoleErrors": []}
//
// - enter: the query is typed (one input event) and Enter pressed at once; after the typing
//   pause has passed the page must have run the query once (`enterRuns`), not once for Enter
//   and again when the pause ends.
// - composing: an input method's composition, as Chromium sends it (input events with
//   `isComposing`, pinyin in the box, then the characters and `compositionend`, then a
//   plain input event as Firefox sends one): nothing runs while composing
//   (`composingRuns`), the composed query runs once (`composedRuns`), `composedStartMs`
//   after compositionend (no typing pause: the composition's end is final).
//
// Usage: node tests/browser/search_typing.mjs SEARCH_URL QUERY
// Exit: 0 with the JSON; 2 on bad usage; 1 when a page failed (the reason on stderr).

import { launch } from './chromium.mjs';

const [url, query, ...rest] = process.argv.slice(2);
if (!url || !query || rest.length) {
  console.error('usage: node search_typing.mjs SEARCH_URL QUERY');
  process.exit(2);
}
const TIMEOUT = 30000;
/** Longer than search.js's typing pause (150 ms), so a run it would start has started. */
const SETTLE_MS = 500;

const browser = await launch(TIMEOUT);
const consoleErrors = [];
try {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    const local = !target.protocol.startsWith('http') || target.hostname === '127.0.0.1';
    return local ? route.continue() : route.abort('blockedbyclient');
  });

  const enter = await open(context);
  await enter.fill('#search-q', query);
  await enter.press('#search-q', 'Enter');
  await shown(enter);
  await enter.waitForTimeout(SETTLE_MS);
  const enterRuns = await runs(enter);
  const enterResults = await results(enter);

  const ime = await open(context);
  await ime.evaluate((pinyin) => {
    const box = document.getElementById('search-q');
    box.focus();
    box.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
    box.value = pinyin;
    box.dispatchEvent(new InputEvent('input', { data: pinyin, isComposing: true, inputType: 'insertCompositionText' }));
  }, 'qingdao');
  await ime.waitForTimeout(SETTLE_MS);
  const composingRuns = await runs(ime);
  await ime.evaluate((text) => {
    const box = document.getElementById('search-q');
    box.value = text;
    box.dispatchEvent(new InputEvent('input', { data: text, isComposing: true, inputType: 'insertCompositionText' }));
    performance.mark('test-composed');
    box.dispatchEvent(new CompositionEvent('compositionend', { data: text }));
    box.dispatchEvent(new InputEvent('input', { data: text, isComposing: false, inputType: 'insertText' }));
  }, query);
  await shown(ime);
  await ime.waitForTimeout(SETTLE_MS);
  const composedRuns = await runs(ime) - composingRuns;
  const composedStartMs = await ime.evaluate(() => {
    const [composed] = performance.getEntriesByName('test-composed');
    const start = performance.getEntriesByName('search-start').find((m) => m.startTime >= composed.startTime);
    return start ? Math.round((start.startTime - composed.startTime) * 10) / 10 : null;
  });
  const composedResults = await results(ime);
  console.log(JSON.stringify({ enterRuns, enterResults, composingRuns, composedRuns, composedStartMs,
    composedResults, consoleErrors }));
} catch (error) {
  console.error(`search_typing: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

/** A new page on the search URL, loaded, its console errors collected. */
async function open(context) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  const response = await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
  if (!response || !response.ok()) throw new Error(`${url} answered ${response ? response.status() : 'nothing'}`);
  return page;
}

/** Waits until search.js has listed a page of results. */
function shown(page) {
  return page.waitForFunction(() => performance.getEntriesByName('search-shown').length > 0, null,
    { timeout: TIMEOUT });
}

/** How many queries the page has run. */
function runs(page) {
  return page.evaluate(() => performance.getEntriesByName('search-start').length);
}

/** How many results are listed. */
function results(page) {
  return page.evaluate(() => document.querySelectorAll('#search-results li').length);
}
