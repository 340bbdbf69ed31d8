// Debian's headless Chromium as every browser test drives it (see DEVELOPERS.md): the
// executable, its flags, and a launcher through playwright-core. Shared by the scripts in
// this folder.

import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The least time a launch is given: with several tests starting Chromium at once on a
 * loaded 2-core machine, a start took over 30 s (cargo test runs them in parallel). */
const LAUNCH_AT_LEAST_MS = 120000;

/** Launches Chromium; `timeout` (ms, at least two minutes) bounds the launch. */
export function launch(timeout) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: FLAGS,
    timeout: Math.max(timeout, LAUNCH_AT_LEAST_MS),
  });
}
