/**
 * Connections made only when a command first asks for them, once, and closed after it: `usage`
 * never dials Temporal, and `list` never needs SePay credentials.
 */
import { type CliClient, type CliContext, type CliSepay } from './command.js';

export interface Connectors {
  connect(): Promise<CliClient & { close(): Promise<void> }>;
  sepay(): CliSepay;
}

export function lazyContext(connectors: Connectors & { stderr(text: string): void }): { context: CliContext; close(): Promise<void> } {
  let temporal: ReturnType<Connectors['connect']> | undefined;
  let sepay: CliSepay | undefined;
  const context: CliContext = {
    temporal: () => (temporal ??= connectors.connect()),
    sepay: () => (sepay ??= connectors.sepay()),
    notice: (text) => connectors.stderr(text),
  };
  const close = async () => {
    // A connection that failed to open has nothing to close.
    const client = await temporal?.catch(() => undefined);
    await client?.close();
  };
  return { context, close };
}
