/** `npm run browser:ensure`: provisions Chromium for the browser test and prints its path and version. */
import { execFileSync } from 'node:child_process';
import { ensureChromium } from './chromium.js';

const chromium = await ensureChromium();
console.log(`${chromium}\n${execFileSync(chromium, ['--version']).toString().trim()}`);
