/**
 * A command run the way an operator's supervisor runs it: in its own process group, so a signal
 * reaches every process of it at once (npm, tsx and the node process doing the work), exactly as
 * `docker kill` or systemd would. Output is kept for assertions and failure reports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const alive = new Set<ProcessGroup>();
let exitHookInstalled = false;

export class ProcessGroup {
  readonly exited: Promise<ExitStatus>;
  readonly outputComplete: Promise<void>;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly lineWaiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd?: string,
  ) {
    this.child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    alive.add(this);
    installExitHook();
    const streamsClosed: Promise<void>[] = [];
    for (const stream of [this.child.stdout, this.child.stderr]) {
      streamsClosed.push(new Promise((resolve) => stream?.once('close', resolve)));
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const complete = text.split('\n');
        partial = complete.pop() ?? '';
        for (const line of complete) this.onLine(line);
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        alive.delete(this);
        resolve({ code, signal });
      }),
    );
    // Children that outlive the leader keep the pipes open: all output is in once both close.
    this.outputComplete = Promise.all(streamsClosed).then(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return alive.has(this);
  }

  /** The first output line matching `pattern` (also one already printed). */
  waitForLine(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.tail()}`)), timeoutMs);
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before printing ${pattern}\n${this.tail()}`));
      });
      this.lineWaiters.push({
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
      });
    });
  }

  /**
   * Signals the whole group and resolves when every process of it has gone. The status is the
   * leader's: npm itself dies of SIGTERM at once (143) while its node child drains, which is why
   * this waits for the group, not the leader, and why callers judge a clean stop by the output.
   */
  async kill(signal: NodeJS.Signals, timeoutMs = 60_000): Promise<ExitStatus> {
    signalGroup(this.pid, signal);
    const status = await this.exited;
    const deadline = Date.now() + timeoutMs;
    while (groupExists(this.pid)) {
      if (Date.now() > deadline + 5_000) throw new Error(`${this.name}: processes of group ${this.pid} survive SIGKILL`);
      if (Date.now() > deadline) signalGroup(this.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.outputComplete;
    return status;
  }

  /** Whether a line matching `pattern` was printed. */
  printed(pattern: RegExp): boolean {
    return this.lines.some((line) => pattern.test(line));
  }

  /** Everything printed so far (the last 1,000 to 2,000 lines of a long-running process). */
  output(): string {
    return this.lines.join('\n');
  }

  tail(lines = 30): string {
    return this.lines.slice(-lines).map((line) => `  [${this.name}] ${line}`).join('\n');
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 2_000) this.lines.splice(0, 1_000);
    for (const waiter of [...this.lineWaiters]) {
      const match = line.match(waiter.pattern);
      if (match) {
        this.lineWaiters.splice(this.lineWaiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * Whether a live process of the group remains. Read from /proc rather than `kill(-pgid, 0)`:
 * orphans whose parent (npm) died are not always reaped here, and a zombie still "exists".
 */
function groupExists(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of alive) signalGroup(group.pid, 'SIGKILL');
  });
}
