/**
 * The worker's own settings, from environment variables, validated in one go so a misconfigured
 * deployment hears about every problem at once. The Temporal connection itself (address,
 * namespace, TLS, API key, profiles) is `@temporalio/envconfig`'s job: see `client/temporal-connection.ts`.
 */
import { msToNumber } from '@temporalio/common';
import { z } from 'zod';
import type { PayloadEncryption } from '../codec/data-converter.js';
import { DEFAULT_CHECKS_PER_SECOND } from '../activities/check-pacer.js';
import { SepayConnectionEnvShape, toSepayConnectionSettings, type SepayConnectionSettings } from '../sepay/connection-env.js';
import { PayloadEncryptionKeysSchema } from '../codec/keys.js';
import { DurationSchema } from '../contract/input.js';
import { DEFAULT_TASK_QUEUE } from '../contract/task-queue.js';
import { ListenAddressSchema, MetricsAddressSchema, type ListenAddress } from './listen-address.js';

const optionalText = z.string().trim().min(1).optional();
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const WorkerEnvSchema = z
  .object({
    SEPAY_TASK_QUEUE: z.string().trim().min(1).default(DEFAULT_TASK_QUEUE),
    ...SepayConnectionEnvShape,
    SEPAY_PROVIDER_ACCOUNT_ID: optionalText,
    SEPAY_TEMPLATE_CODE: optionalText,
    SEPAY_INVOICE_SERIES: optionalText,
    /** How long the worker trusts what it read of SePay's provider accounts (a refused create drops it sooner). */
    SEPAY_ACCOUNT_CACHE_TTL: DurationSchema.default('5 minutes'),
    /**
     * This worker's cap on job checks per second, shared by all its waits (activities/check-pacer.ts):
     * the more invoices wait, the less often each checks.
     */
    SEPAY_MAX_CHECKS_PER_SECOND: z.coerce.number().positive().default(DEFAULT_CHECKS_PER_SECOND),
    /** Task-queue-wide cap on SePay calls (activities) per second, across all workers. */
    SEPAY_MAX_REQUESTS_PER_SECOND: z.coerce.number().positive().optional(),
    WORKER_MAX_CONCURRENT_ACTIVITIES: count(100),
    /** Slots of the waits queue: a wait mostly sleeps, so many fit beside the request slots. */
    WORKER_MAX_CONCURRENT_WAITS: count(1000),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count(40),
    WORKER_MAX_CACHED_WORKFLOWS: count(1000),
    WORKER_SHUTDOWN_GRACE: DurationSchema.default('30 seconds'),
    /** Recorded on every history event this worker produces; the SDK default is pid@hostname. */
    WORKER_IDENTITY: optionalText,
    /** `<ip>:<port>` for GET /livez and /readyz; no health server when unset. */
    WORKER_HEALTH_ADDRESS: ListenAddressSchema.optional(),
    /**
     * `<ip>:<port>`, or a port alone for 127.0.0.1, for the Prometheus endpoint (GET /metrics); no
     * metrics when unset. Loopback unless a scraper must come from elsewhere: the SDK's server
     * holds idle connections open for good (docs/security-http.md).
     */
    WORKER_METRICS_ADDRESS: MetricsAddressSchema.optional(),
    /** OpenTelemetry traces of workflows and activities: `otlp` (OTEL_EXPORTER_OTLP_*), `console`. */
    WORKER_TRACING: z.enum(['off', 'otlp', 'console']).default('off'),
    /** Longest pause between two attempts to reach Temporal while it is unreachable. */
    WORKER_RECONNECT_MAX_INTERVAL: DurationSchema.default('30 seconds'),
    /** A bundle prebuilt by `npm run build`; without it the worker bundles the sources at start. */
    WORKFLOW_BUNDLE_PATH: optionalText,
    /** `<keyId>:<base64 key>,...`, current key first: encrypts payloads and failure messages (codec/keys.ts). */
    PAYLOAD_ENCRYPTION_KEYS: PayloadEncryptionKeysSchema.optional(),
    /**
     * With keys, payloads that arrive in clear are refused (`PayloadNotEncrypted`) unless this is
     * `false`: only while runs started before encryption was switched on are still open.
     */
    PAYLOAD_ENCRYPTION_REQUIRED: z.enum(['true', 'false']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.PAYLOAD_ENCRYPTION_REQUIRED === 'true' && env.PAYLOAD_ENCRYPTION_KEYS === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_ENCRYPTION_REQUIRED'], message: 'is true, but PAYLOAD_ENCRYPTION_KEYS is not set' });
    }
  });

export interface WorkerConfig {
  taskQueue: string;
  sepay: SepayConnectionSettings & {
    maxRequestsPerSecond?: number;
    maxChecksPerSecond: number;
    /** How long provider accounts read from SePay are trusted. */
    accountCacheTtlMs: number;
  };
  defaults: { providerAccountId?: string; templateCode?: string; invoiceSeries?: string };
  maxConcurrentActivities: number;
  maxConcurrentWaits: number;
  maxConcurrentWorkflowTasks: number;
  maxCachedWorkflows: number;
  shutdownGraceMs: number;
  identity?: string;
  healthAddress?: ListenAddress;
  metricsAddress?: ListenAddress;
  tracing: 'off' | 'otlp' | 'console';
  reconnectMaxIntervalMs: number;
  workflowBundlePath?: string;
  /** Set when payloads are encrypted; `requireEncryption` unless PAYLOAD_ENCRYPTION_REQUIRED=false. */
  payloadEncryption?: PayloadEncryption;
}

export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid worker configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = WorkerEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Name the variable, never echo its value: some of them are secrets.
    throw new WorkerConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    taskQueue: e.SEPAY_TASK_QUEUE,
    sepay: {
      ...toSepayConnectionSettings(e),
      maxRequestsPerSecond: e.SEPAY_MAX_REQUESTS_PER_SECOND,
      maxChecksPerSecond: e.SEPAY_MAX_CHECKS_PER_SECOND,
      accountCacheTtlMs: msToNumber(e.SEPAY_ACCOUNT_CACHE_TTL as never),
    },
    defaults: {
      providerAccountId: e.SEPAY_PROVIDER_ACCOUNT_ID,
      templateCode: e.SEPAY_TEMPLATE_CODE,
      invoiceSeries: e.SEPAY_INVOICE_SERIES,
    },
    maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWaits: e.WORKER_MAX_CONCURRENT_WAITS,
    maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    shutdownGraceMs: msToNumber(e.WORKER_SHUTDOWN_GRACE as never),
    identity: e.WORKER_IDENTITY,
    healthAddress: e.WORKER_HEALTH_ADDRESS,
    metricsAddress: e.WORKER_METRICS_ADDRESS,
    tracing: e.WORKER_TRACING,
    reconnectMaxIntervalMs: msToNumber(e.WORKER_RECONNECT_MAX_INTERVAL as never),
    workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    payloadEncryption: e.PAYLOAD_ENCRYPTION_KEYS && { ...e.PAYLOAD_ENCRYPTION_KEYS, requireEncryption: e.PAYLOAD_ENCRYPTION_REQUIRED !== 'false' },
  };
}
