/**
 * Time, not a run count, bounds a model-based run against real servers: sequences take seconds
 * each. Once the budget is spent every further candidate passes without running, which ends the
 * generation phase, and during shrinking keeps the smallest failing sequence found so far.
 */
export class RunBudget {
  private readonly generationEnds: number;
  private shrinkEnds: number | undefined;
  sequences = 0;
  ops = 0;
  failures = 0;
  /** Paths the sequences reached, summed (see sequence.ts). */
  readonly reached: Record<string, number> = {};

  constructor(
    budgetMs: number,
    private readonly shrinkBudgetMs: number,
  ) {
    this.generationEnds = Date.now() + budgetMs;
  }

  spent(): boolean {
    return Date.now() >= (this.shrinkEnds ?? this.generationEnds);
  }

  record(opsRun: number, failed: boolean, reached: Record<string, number> = {}): void {
    this.sequences++;
    this.ops += opsRun;
    for (const [what, times] of Object.entries(reached)) this.reached[what] = (this.reached[what] ?? 0) + times;
    if (!failed) return;
    this.failures++;
    this.shrinkEnds ??= Date.now() + this.shrinkBudgetMs;
  }
}
