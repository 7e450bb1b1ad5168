/**
 * Debian's Chromium, driven by `playwright-core` (Playwright's own browser downloads need the
 * internet). Each launch gets a fresh temporary profile, removed when the browser closes.
 */
import { chromium, type Browser } from 'playwright-core';
import { ensureChromium } from '../../scripts/chromium.js';

// Without these, Chromium keeps trying to reach Google's services (updates, sync, field trials)
// and a closed network turns every attempt into a refused connection in the logs.
const OFFLINE_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await ensureChromium(),
    headless: true,
    // No sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', ...OFFLINE_FLAGS],
  });
}
