/**
 * Ctrl-C on `npm start`, the README's first command: the terminal signals the whole foreground
 * process group (npm, tsx, the demo and the Temporal dev server it spawned), and the demo must
 * stop its worker, simulator and server and end with exit code 0 and no stack trace.
 *
 * The group is led by `tsx scripts/start.ts`, the script `npm start` runs, because npm (11) itself
 * dies of a SIGINT it receives whatever its script's exit code: with npm in front the demo's own
 * exit code is not observable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessGroup } from '../support/process-group.js';

const repo = new URL('../../', import.meta.url).pathname;
let demo: ProcessGroup | undefined;

afterEach(async () => {
  // Only a failed test leaves it running.
  if (demo?.running) await demo.kill('SIGKILL');
  demo = undefined;
});

describe('npm start', () => {
  it('stops quietly with exit code 0 on Ctrl-C', async () => {
    demo = new ProcessGroup('npm start', 'node_modules/.bin/tsx', ['scripts/start.ts'], { ...process.env }, repo);
    await demo.waitForLine(/^Running until Ctrl-C/, 90_000);

    const status = await demo.kill('SIGINT');

    expect(status, demo.tail()).toEqual({ code: 0, signal: null });
    expect(demo.printed(/^SIGINT: stopping$/)).toBe(true);
    // Neither an error nor the frames of a stack trace, on stdout or stderr.
    expect(demo.output()).not.toMatch(/Error|^\s+at /m);
  });
});
