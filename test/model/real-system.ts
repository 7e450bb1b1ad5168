/**
 * The system under test as the model-based commands see it: the test env (dev server, worker,
 * simulator) and the client a business app uses. Only public surfaces, so the test outlives any
 * rewrite of the workflow's insides.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { InvoiceClient } from '../../client/invoice-client.js';
import type { InvoiceTestEnv } from '../support/invoice-test-env.js';

export interface RealSystem {
  env: InvoiceTestEnv;
  invoices: InvoiceClient;
  /** The model worker's extra environment (config.ts), kept across worker restarts. */
  workerEnv: Record<string, string>;
}

export function realSystem(env: InvoiceTestEnv, workerEnv: Record<string, string> = {}): RealSystem {
  return { env, invoices: new InvoiceClient({ client: env.client, taskQueue: env.taskQueue }), workerEnv };
}

/**
 * Runs a message or termination aimed at a key's latest run; false when that run had already
 * closed (the normal fate of an operation that arrives late), any other error is real.
 */
export async function reachedOpenRun(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Rejects when `promise` takes longer than `ms`: a hung call must fail the sequence, not the suite's timeout. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
