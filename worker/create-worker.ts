/**
 * Builds the invoice worker: SePay client and token cache in this process, activities bound to
 * them, and the workflow code from a prebuilt bundle or from the sources.
 */
import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { AccountDirectory } from '../activities/account-directory.js';
import { CheckPacer } from '../activities/check-pacer.js';
import { createActivities, inputActivities } from '../activities/index.js';
import { QuotaGauge } from '../activities/quota-gauge.js';
import { createReconciliationActivities, type ReconciliationActivities } from '../activities/reconciliation-activities.js';
import { createUsageActivities, type UsageActivities } from '../activities/usage-activities.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import { SepayClient, TokenProvider, type SepayObserver } from '../sepay/index.js';
import type { WorkerConfig } from './config.js';
import { InvoiceWorker } from './invoice-worker.js';
import { WAIT_ACTIVITIES, waitsTaskQueueFor } from '../contract/task-queue.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/**
 * Written by `npm run build`. With payload encryption the workflow code must encode failure
 * messages too, and with tracing it must carry the OpenTelemetry workflow interceptors; both are
 * decided when bundling: hence one bundle per mode.
 */
export const PREBUILT_BUNDLE_FILES = {
  plain: 'workflow-bundle.js',
  encrypted: 'workflow-bundle.encrypted.js',
  tracedPlain: 'workflow-bundle.traced.js',
  tracedEncrypted: 'workflow-bundle.encrypted.traced.js',
} as const;

/** The prebuilt bundle this worker loads, or undefined when it bundles the sources at start. */
export function prebuiltBundlePath(config: WorkerConfig): string | undefined {
  if (config.workflowBundlePath) return config.workflowBundlePath;
  // Compiled by `npm run build` (tsc output runs as .js): the prebuilt bundles sit beside it.
  if (!import.meta.url.endsWith('.js')) return undefined;
  const encrypted = config.payloadEncryption !== undefined;
  const file = config.tracing === 'off' ? (encrypted ? 'encrypted' : 'plain') : encrypted ? 'tracedEncrypted' : 'tracedPlain';
  return fileURLToPath(new URL(`../${PREBUILT_BUNDLE_FILES[file]}`, import.meta.url));
}

/** The activities a worker registers: the SePay steps, the input validation, and the monitoring workflows' steps. */
export type InvoiceWorkerActivities = ReturnType<typeof createActivities> & typeof inputActivities & UsageActivities & ReconciliationActivities;

export interface InvoiceWorkerOptions {
  config: WorkerConfig;
  connection: NativeConnection;
  namespace: string;
  /**
   * A bundle built once and shared (tests); otherwise `config.workflowBundlePath` or the sources.
   * With payload encryption it must be built with `failureConverterPath: FAILURE_CONVERTER_PATH`.
   */
  workflowBundle?: WorkflowBundleOption;
  /** The HTTP client for SePay calls (instrumentation, tests). */
  fetch?: typeof fetch;
  /** Told about every SePay request (metrics). */
  sepayObserver?: SepayObserver;
  /** Extra worker options (tests: shorter shutdown, interceptors...). */
  overrides?: Partial<WorkerOptions>;
  /**
   * Replaces or wraps individual activities, merged over the real ones (tests: hold `issueInvoice`
   * on a gate so a race around the point of no return happens in a chosen order).
   */
  activities?: (real: InvoiceWorkerActivities) => Partial<InvoiceWorkerActivities>;
}

export async function createInvoiceWorker({ config, connection, namespace, workflowBundle, fetch, sepayObserver, overrides, activities: override }: InvoiceWorkerOptions): Promise<InvoiceWorker> {
  const transport = { environment: config.sepay.environment, timeoutMs: config.sepay.timeoutMs, fetch, observer: sepayObserver };
  const tokens = new TokenProvider({ ...transport, clientId: config.sepay.clientId, clientSecret: config.sepay.clientSecret });
  const sepay = new SepayClient({ ...transport, tokenProvider: tokens });
  const dataConverter = config.payloadEncryption && encryptingDataConverter(config.payloadEncryption);
  const bundlePath = prebuiltBundlePath(config);
  const bundle = workflowBundle ?? (bundlePath ? { codePath: bundlePath } : undefined);
  const realActivities: InvoiceWorkerActivities = {
    ...createActivities({
      sepay,
      tokens,
      defaults: config.defaults,
      // One view of SePay's accounts and quota per worker: a burst of invoices costs one look-up.
      accounts: new AccountDirectory({ sepay, defaults: config.defaults, ttlMs: config.sepay.accountCacheTtlMs }),
      quota: new QuotaGauge({ sepay }),
      checks: new CheckPacer(config.sepay.maxChecksPerSecond),
    }),
    ...inputActivities,
    ...createUsageActivities({ sepay }),
    ...createReconciliationActivities({ sepay }),
  };
  const activityImplementations = { ...realActivities, ...override?.(realActivities) };
  const shared = {
    connection,
    namespace,
    dataConverter,
    maxTaskQueueActivitiesPerSecond: config.sepay.maxRequestsPerSecond,
    shutdownGraceTime: config.shutdownGraceMs,
    // Only when set: an explicit undefined would replace the SDK's pid@hostname default.
    ...(config.identity && { identity: config.identity }),
  };
  const requests = await Worker.create({
    ...shared,
    taskQueue: config.taskQueue,
    // Every activity, waits included: runs started before the waits queue existed wait here.
    activities: activityImplementations,
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.maxConcurrentWorkflowTasks,
    maxCachedWorkflows: config.maxCachedWorkflows,
    ...overrides,
  });
  const waits = await Worker.create({
    ...shared,
    taskQueue: waitsTaskQueueFor(config.taskQueue),
    activities: Object.fromEntries(WAIT_ACTIVITIES.map((name) => [name, activityImplementations[name]])),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentWaits,
    ...(overrides?.shutdownGraceTime !== undefined && { shutdownGraceTime: overrides.shutdownGraceTime }),
    // The same activity interceptors (tracing, metrics); workflow ones have nothing to do here.
    ...(overrides?.interceptors?.activity && { interceptors: { activity: overrides.interceptors.activity } }),
  });
  return new InvoiceWorker(requests, waits);
}
