/** A command line the CLI cannot act on: exit code 2, with the problem and a pointer to --help. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  /** The failure type the CLI prints (`error.type` with --json); subclasses name their case. */
  readonly type: string = 'Usage';
}
