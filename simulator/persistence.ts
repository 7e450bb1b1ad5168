/**
 * Keeps the state in a JSON file so a restarted simulator still knows its invoices, jobs and
 * tokens. Writes are debounced (many requests, one write) and atomic (temp file + rename), so a
 * crash leaves either the old or the new state, never half of one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserializeState, serializeState, type SimState } from './state.js';

const DEBOUNCE_MS = 20;

export class StateFile {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly current: () => SimState,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The saved state, or undefined when there is no file yet. A corrupt file is an error. */
  load(): SimState | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      return deserializeState(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read simulator state file ${this.path}: ${String(error)}`, { cause: error });
    }
  }

  schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temp, serializeState(this.current()));
      renameSync(temp, this.path);
    } catch (error) {
      this.onError(error);
    }
  }
}
