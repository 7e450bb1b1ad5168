/** A command line the CLI cannot act on: exit code 2, with the problem and a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
