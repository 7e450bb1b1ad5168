/**
 * What a CLI command is: options, a `prepare` that checks them before anything connects, and an
 * action that reaches Temporal and SePay only through the lazily connecting `CliContext`, so a
 * command that needs just one of them never waits for or fails on the other.
 */
import { type SepayClient } from '../../sepay/client.js';
import { type InvoiceClient } from '../invoice-client.js';
import { type Values } from './args.js';

/** The part of `InvoiceClient` the commands use. */
export type CliClient = Pick<
  InvoiceClient,
  'client' | 'taskQueue' | 'issue' | 'handle' | 'getStatus' | 'cancel' | 'requestCancellation' | 'approve' | 'result' | 'list'
>;

/** The part of `SepayClient` the commands use. */
export type CliSepay = Pick<
  SepayClient,
  'listProviderAccounts' | 'getProviderAccount' | 'getUsage' | 'getInvoice' | 'downloadInvoice' | 'listInvoices' | 'iterateInvoices' | 'deleteDraft'
>;

export interface CliContext {
  /** Connects to Temporal on first call; the CLI closes the connection after the action. */
  temporal(): Promise<CliClient>;
  /** A SePay client from the SEPAY_* variables; throws naming each one missing or invalid. */
  sepay(): CliSepay;
  /** A line on stderr while the command works (what it waits for), outside `--json`'s one document. */
  notice(text: string): void;
}

export interface Output {
  /** What `--json` prints. */
  json: unknown;
  text: string;
  /** For an answer that is not a success (a rejected cancellation); 0 when absent. */
  exitCode?: number;
}

export type Action = (context: CliContext) => Promise<Output>;

export interface Command {
  usage: string;
  summary: string;
  /** Single-valued `node:util` parseArgs options (no `multiple`, so every value is one string or boolean). */
  options: Record<string, { type: 'string' | 'boolean' }>;
  prepare(values: Values): Action | Promise<Action>;
}
