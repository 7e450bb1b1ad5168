/**
 * The model-based test's knobs, from the environment: a default run that fits the README's test
 * command (a few minutes on 2 cores), a soak by raising the budget, a replay by seed and path.
 */
export interface ModelConfig {
  seed: number;
  /** fast-check's path to one counterexample (printed with a failure), to replay it alone. */
  path?: string;
  /** The commands' own replay path, printed inside the counterexample as replayPath="…". */
  replayPath?: string;
  /** At most this many sequences; the time budget usually ends the run first. */
  runs: number;
  maxOps: number;
  keyCount: number;
  /** Time for new sequences; the sequence running when it ends still finishes. */
  budgetMs: number;
  /** Time for shrinking once a sequence failed; the smallest failing sequence so far is reported. */
  shrinkBudgetMs: number;
  /** How long the settle phase waits for the runs to close, twice (before and after the re-runs). */
  settleMs: number;
  /** MODEL_ONLY=I2 fails (and so shrinks) on that invariant alone, to find its own smallest sequence. */
  only?: string;
  /** MODEL_VERBOSE=1 prints every sequence's operations. */
  verbose: boolean;
  /** MODEL_DUMP=<dir> writes each failing sequence's runs (status, history) and SePay's invoices there, to read what happened. */
  dumpDir?: string;
  /**
   * The model worker's environment on top of the test env's: a real account cache TTL
   * (MODEL_ACCOUNT_CACHE_TTL, default 1500ms), so the account changes meet answers the worker keeps.
   */
  workerEnv: Record<string, string>;
}

function numberFrom(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

export function modelConfig(env: Record<string, string | undefined> = process.env): ModelConfig {
  const minutes = 60_000;
  return {
    seed: numberFrom(env, 'MODEL_SEED', Math.floor(Math.random() * 2 ** 31)),
    path: env.MODEL_PATH || undefined,
    replayPath: env.MODEL_REPLAY_PATH || undefined,
    runs: numberFrom(env, 'MODEL_RUNS', 1000),
    maxOps: numberFrom(env, 'MODEL_MAX_OPS', 16),
    keyCount: Math.min(4, Math.max(1, numberFrom(env, 'MODEL_KEYS', 3))),
    budgetMs: numberFrom(env, 'MODEL_MINUTES', 2.5) * minutes,
    shrinkBudgetMs: numberFrom(env, 'MODEL_SHRINK_MINUTES', 3) * minutes,
    settleMs: numberFrom(env, 'MODEL_SETTLE_SECONDS', 75) * 1000,
    only: env.MODEL_ONLY || undefined,
    verbose: env.MODEL_VERBOSE === '1',
    dumpDir: env.MODEL_DUMP || undefined,
    workerEnv: { SEPAY_ACCOUNT_CACHE_TTL: env.MODEL_ACCOUNT_CACHE_TTL || '1500ms' },
  };
}

/** The longest a whole run may take: budgets plus the sequence and shrink step in flight at each end. */
export function worstCaseMs(config: ModelConfig): number {
  // Operations, the reconciliations still running when they end (reconciliation-commands.ts), the settle phase.
  const oneSequence = 2 * config.settleMs + config.maxOps * 20_000 + 30_000;
  return config.budgetMs + config.shrinkBudgetMs + 2 * oneSequence + 60_000;
}
