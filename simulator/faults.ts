/**
 * Fault rules added through the control API. Request faults (latency, error, rate-limit,
 * drop-after-commit) act on one HTTP request; job faults (job-fail, job-pending-forever) act when a
 * create or issue job would leave `Pending`.
 */
import { z } from 'zod';
import { ApiError, codeForStatus } from './http.js';
import { seededRandom } from './prng.js';
import { ENDPOINT_NAMES, type EndpointName } from './routes.js';
import { type JobKind } from './state.js';

const REQUEST_KINDS = ['latency', 'error', 'rate-limit', 'drop-after-commit'] as const;
const JOB_KINDS = ['job-pending-forever', 'job-fail'] as const;

/** Job faults name the job's endpoint; its check endpoint is accepted as the same thing. */
const JOB_ENDPOINTS: Readonly<Record<string, JobKind | '*'>> = {
  create: 'create',
  'create-check': 'create',
  issue: 'issue',
  'issue-check': 'issue',
  '*': '*',
};

export const FaultRuleInput = z
  .object({
    endpoint: z.enum([...ENDPOINT_NAMES, '*']),
    kind: z.enum([...REQUEST_KINDS, ...JOB_KINDS]),
    times: z.int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
    seed: z.int().optional(),
    latencyMs: z.int().nonnegative().max(600_000).optional(),
    status: z.int().min(400).max(599).optional(),
    code: z.string().min(1).optional(),
    retryAfterSeconds: z.int().nonnegative().optional(),
    message: z.string().min(1).optional(),
    referenceCode: z.string().min(1).optional(),
  })
  .refine((r) => !(JOB_KINDS as readonly string[]).includes(r.kind) || r.endpoint in JOB_ENDPOINTS, {
    message: 'job faults apply to the endpoints create, issue (or their checks) or *',
    path: ['endpoint'],
  });
export type FaultRuleInput = z.input<typeof FaultRuleInput>;
export type FaultRule = z.output<typeof FaultRuleInput> & { id: number; fired: number };

export interface RequestFaults {
  latencyMs: number;
  /** Answer this instead of performing the request. */
  reject?: ApiError;
  /** Perform the request, then destroy the socket without answering. */
  drop: boolean;
}

export type JobFault = { kind: 'hold' } | { kind: 'fail'; message: string };

const DEFAULT_LATENCY_MS = 1000;
const DEFAULT_JOB_FAIL_MESSAGE = 'Xuất hóa đơn thất bại: nhà cung cấp từ chối hóa đơn (lỗi giả lập)';

export class FaultBook {
  private rules: { rule: FaultRule; random: () => number }[] = [];
  private nextId = 1;

  add(input: z.output<typeof FaultRuleInput>): FaultRule {
    const rule = { ...input, id: this.nextId++, fired: 0 };
    this.rules.push({ rule, random: seededRandom(input.seed ?? rule.id) });
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  /** `referenceOf` is only called when a rule is restricted to one reference code. */
  forRequest(endpoint: EndpointName, referenceOf: () => string | undefined): RequestFaults {
    const faults: RequestFaults = { latencyMs: 0, drop: false };
    const fire = (...kinds: (typeof REQUEST_KINDS)[number][]) =>
      this.fire((r) => kinds.some((k) => k === r.kind) && (r.endpoint === '*' || r.endpoint === endpoint), referenceOf);
    const latency = fire('latency');
    if (latency) faults.latencyMs = latency.latencyMs ?? DEFAULT_LATENCY_MS;
    const reject = fire('error', 'rate-limit');
    if (reject) faults.reject = rejection(reject);
    else faults.drop = fire('drop-after-commit') !== undefined;
    return faults;
  }

  forJob(kind: JobKind, referenceCode: string): JobFault | undefined {
    const matches = (k: string) => (r: FaultRule) => r.kind === k && [kind, '*'].includes(JOB_ENDPOINTS[r.endpoint] ?? '');
    if (this.fire(matches('job-pending-forever'), () => referenceCode)) return { kind: 'hold' };
    const fail = this.fire(matches('job-fail'), () => referenceCode);
    return fail ? { kind: 'fail', message: fail.message ?? DEFAULT_JOB_FAIL_MESSAGE } : undefined;
  }

  /** The first matching rule that passes its probability draw; spends one of its `times`. */
  private fire(matches: (rule: FaultRule) => boolean, referenceOf: () => string | undefined): FaultRule | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (!matches(rule)) continue;
      if (rule.referenceCode !== undefined && rule.referenceCode !== referenceOf()) continue;
      if (rule.probability !== undefined && entry.random() >= rule.probability) continue;
      rule.fired++;
      if (rule.times !== undefined && rule.fired >= rule.times) this.rules = this.rules.filter((r) => r !== entry);
      return rule;
    }
    return undefined;
  }
}

function rejection(rule: FaultRule): ApiError {
  if (rule.kind === 'rate-limit') {
    return new ApiError(429, rule.code ?? 'RATE_LIMITED', rule.message ?? 'Quá nhiều yêu cầu, vui lòng thử lại sau', {
      'retry-after': String(rule.retryAfterSeconds ?? 1),
    });
  }
  const status = rule.status ?? 503;
  const headers: Record<string, string> =
    rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
  return new ApiError(status, rule.code ?? codeForStatus(status), rule.message ?? 'Hệ thống đang bận (lỗi giả lập)', headers);
}
