#!/usr/bin/env node
// Drives one page served by `broadsheet serve` in Debian's headless Chromium (through
// playwright-core) to check live reload: the test edits files, this script watches the page.
//
// Opens URL, waits for `load` and for the page's live-reload event stream to be open, then
// prints {"event":"ready","title":…}. Then reads commands from stdin, one per line, and
// answers each with one JSON line on stdout:
//
//   wait-text TEXT   until document.body.innerText contains TEXT
//                    → {"event":"text","found":bool,"ms":…,"reloaded":bool,"connected":bool}
//   wait-overlay     until the error overlay (#broadsheet-error) is visible
//                    → {"event":"overlay","visible":bool,"text":"…"|null,"ms":…,"reloaded":bool}
//   wait-no-overlay  until no overlay is visible
//                    → {"event":"no-overlay","gone":bool,"ms":…,"reloaded":bool,"connected":bool}
//   scroll Y         scrolls to Y → {"event":"scroll","y":…}
//   get-scroll       after the `load` handlers of the current document ran
//                    → {"event":"scroll","y":…}
//   quit             → {"event":"bye","navigations":…,"consoleErrors":[…]}, closes Chromium
//
// Every wait has a deadline (LIVE_RELOAD_TIMEOUT_MS, default 10000); nothing sleeps a fixed
// time. This script never reloads or navigates after the first load, so a new document can
// only come from the page's own script. `reloaded` says whether the document changed since
// the previous answer: its `performance.timeOrigin` differs and the `window.__marker` set on
// the previous document is gone. `connected`: the new document's EventSource is open, so the
// next edit's event will reach it. Requests to hosts other than 127.0.0.1 are aborted.
//
// Usage: node tests/browser/live_reload.mjs URL
// Exit:  0 after `quit` or the end of stdin; 2 on bad usage; 1 when the page could not be
//        opened (the reason on stderr). Used by `serve_live_reloads_in_browser`
//        (tests/it/serve.rs).

import { createInterface } from 'node:readline';
import { launch } from './chromium.mjs';

const OVERLAY = '#broadsheet-error';

const url = process.argv[2];
if (!url || process.argv.length > 3) {
  console.error('usage: node live_reload.mjs URL');
  process.exit(2);
}
const timeout = Number(process.env.LIVE_RELOAD_TIMEOUT_MS ?? 10000);

function say(object) {
  console.log(JSON.stringify(object));
}

/** True for requests the page may make: local ones and inline data. */
function isLocal(requestUrl) {
  const { protocol, hostname } = new URL(requestUrl);
  if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') {
    return true;
  }
  return hostname === '127.0.0.1';
}

// Runs in every new document before its own scripts: records the EventSources it opens and
// notes when the `load` handlers (the page's scroll restore among them) have run.
function instrument() {
  const sources = [];
  window.__broadsheetSources = sources;
  const Original = window.EventSource;
  window.EventSource = class extends Original {
    constructor(...args) {
      super(...args);
      sources.push(this);
    }
  };
  addEventListener('load', () => setTimeout(() => { window.__loadDone = true; }));
}

/** Retries `probe` (a page function) until it returns truthy or the deadline passes. A probe
 * that dies with its document (a reload under way) is simply run again in the next one. */
async function waitFor(page, probe, arg, deadline) {
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    try {
      await page.waitForFunction(probe, arg, { timeout: left, polling: 'raf' });
      return true;
    } catch (error) {
      if (error.name === 'TimeoutError') return false;
      // "Execution context was destroyed" and friends: the page navigated; try again.
    }
  }
}

function connectedProbe() {
  return (window.__broadsheetSources ?? []).some((s) => s.readyState === EventSource.OPEN);
}

const browser = await launch(30000);
let page;
const consoleErrors = [];
let navigations = 0;
/** The document the previous answer saw. */
let origin = 0;

/** Whether the document was replaced since the last call; marks the current one. */
async function checkReloaded() {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const { timeOrigin, marked } = await page.evaluate(() => {
        const marked = window.__marker === 1;
        window.__marker = 1;
        return { timeOrigin: performance.timeOrigin, marked };
      });
      const reloaded = timeOrigin !== origin && !marked;
      origin = timeOrigin;
      return reloaded;
    } catch {
      await page.waitForLoadState('domcontentloaded', { timeout }).catch(() => {});
    }
  }
  throw new Error('the page kept navigating');
}

async function answer(line) {
  const [command, ...rest] = line.split(' ');
  const argument = rest.join(' ');
  const started = Date.now();
  const deadline = started + timeout;
  switch (command) {
    case 'wait-text': {
      const found = await waitFor(
        page,
        (text) => document.body !== null && document.body.innerText.includes(text),
        argument,
        deadline,
      );
      const ms = Date.now() - started;
      const connected = await waitFor(page, connectedProbe, null, Date.now() + timeout);
      return { event: 'text', found, ms, reloaded: await checkReloaded(), connected };
    }
    case 'wait-overlay': {
      const visible = await waitFor(
        page,
        (selector) => document.querySelector(selector)?.checkVisibility() === true,
        OVERLAY,
        deadline,
      );
      const ms = Date.now() - started;
      const text = visible ? await page.locator(OVERLAY).innerText().catch(() => null) : null;
      return { event: 'overlay', visible, text, ms, reloaded: await checkReloaded() };
    }
    case 'wait-no-overlay': {
      const gone = await waitFor(
        page,
        (selector) => document.querySelector(selector)?.checkVisibility() !== true,
        OVERLAY,
        deadline,
      );
      const ms = Date.now() - started;
      const connected = await waitFor(page, connectedProbe, null, Date.now() + timeout);
      return { event: 'no-overlay', gone, ms, reloaded: await checkReloaded(), connected };
    }
    case 'scroll': {
      const y = Number(argument);
      await page.evaluate((to) => scrollTo(0, to), y);
      await waitFor(page, (to) => Math.abs(scrollY - to) < 1, y, deadline);
      return { event: 'scroll', y: await page.evaluate(() => scrollY) };
    }
    case 'get-scroll': {
      await waitFor(page, () => window.__loadDone === true, null, deadline);
      return { event: 'scroll', y: await page.evaluate(() => scrollY) };
    }
    default:
      return { event: 'error', message: `unknown command: ${line}` };
  }
}

try {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  await context.route('**/*', (route) =>
    isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  await context.addInitScript(instrument);
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  const response = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  if (!response || !response.ok()) {
    throw new Error(`${url} answered ${response ? response.status() : 'nothing'}`);
  }
  if (!(await waitFor(page, connectedProbe, null, Date.now() + timeout))) {
    throw new Error(`${url}: the live-reload event stream never opened`);
  }
  await checkReloaded();
  say({ event: 'ready', title: await page.title() });

  for await (const line of createInterface({ input: process.stdin, terminal: false })) {
    const command = line.trim();
    if (command === '') continue;
    if (command === 'quit') break;
    say(await answer(command));
  }
  say({ event: 'bye', navigations, consoleErrors });
} catch (error) {
  console.error(`live_reload: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  // The readline loop may have stopped at `quit` with stdin still open: let go of it, or
  // Node would wait for its end.
  process.stdin.destroy();
}
