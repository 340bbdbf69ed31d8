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

/** Launches Chromium; `timeout` (ms) bounds the launch. */
export function launch(timeout) {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout });
}
