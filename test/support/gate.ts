/**
 * A step that waits for the test: an activity override calls `pass()`, which tells the test it
 * arrived and then holds until the test calls `open()`. Makes a race happen in a chosen order.
 */
export class Gate {
  private arrive!: () => void;
  private release!: () => void;
  /** Resolves when a step has reached the gate. */
  readonly reached = new Promise<void>((resolve) => (this.arrive = resolve));
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));

  /** Called by the held step: announces it, then waits for `open()`. */
  async pass(): Promise<void> {
    this.arrive();
    await this.opened;
  }

  open(): void {
    this.release();
  }
}
