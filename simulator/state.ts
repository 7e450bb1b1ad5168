/**
 * Everything the simulator remembers, and its on-disk form.
 *
 * In memory, keyed collections are Maps: reference codes come from clients, and a plain object
 * keyed by `__proto__` or `constructor` would answer with Object.prototype members. On disk the
 * same data is arrays, checked with zod when loaded.
 */
import { z } from 'zod';
import { inactiveAccount, seededAccount } from './account-fixtures.js';
import { SEEDED_TEMPLATES } from './defaults.js';
import { DEFAULT_MODES, SimModes } from './modes.js';
import { CreateRequestShape } from './rules/create-request.js';

const TemplateSeries = z.object({
  template_code: z.string(),
  invoice_series: z.string(),
  invoice_label: z.string().optional(),
});

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected "YYYY-MM-DD"');

/** A provider account plus the simulator-only flag `registration_approved` (CQT approval). */
export const SimAccount = z.object({
  id: z.string().min(1),
  provider: z.string().min(1).default('matbao'),
  active: z.boolean().default(true),
  tax_authority_approved_date: IsoDate.nullable().default(null),
  registration_approved: z.boolean().default(true),
  templates: z.array(TemplateSeries).default(() => SEEDED_TEMPLATES.map((t) => ({ ...t }))),
});
export type SimAccount = z.output<typeof SimAccount>;
export type SimAccountInput = z.input<typeof SimAccount>;

/** `pending` until the create job succeeds; `failed` and `deleted` keep the reference code taken. */
export const InvoiceState = z.enum(['pending', 'draft', 'issued', 'failed', 'deleted']);
export type InvoiceState = z.output<typeof InvoiceState>;

export const InvoiceRecord = z.object({
  reference_code: z.string(),
  /** Creation order; list is newest first even when two invoices share a millisecond. */
  seq: z.number(),
  created_at: z.number(),
  source: z.enum(['manual', 'api']),
  request: CreateRequestShape,
  status: InvoiceState,
  invoice_number: z.string(),
  tax_authority_code: z.string().nullable(),
  /** Tracking code of the issue job in flight, so a second issue request cannot issue twice. */
  pending_issue: z.string().nullable(),
  tracking_codes: z.array(z.string()),
  create_requests: z.number(),
  issue_requests: z.number(),
});
export type InvoiceRecord = z.output<typeof InvoiceRecord>;

export const JobKind = z.enum(['create', 'issue']);
export type JobKind = z.output<typeof JobKind>;

export const JobRecord = z.object({
  tracking_code: z.string(),
  kind: JobKind,
  reference_code: z.string(),
  accepted_at: z.number(),
  /** Acceptance or the latest check: idle jobs settle on their own (see settleDueJobs). */
  last_checked_at: z.number(),
  checks: z.number(),
  /** Copied from the settings when accepted, so changing the speed never rewrites running jobs. */
  checks_until_done: z.number(),
  /** Held by a `job-pending-forever` fault until faults are cleared. */
  held: z.boolean(),
  /** Checks still answered 404 before the tracking code is known (mode `trackingNotFoundChecks`). */
  unknown_checks_left: z.int().nonnegative().default(0),
  status: z.enum(['Pending', 'Success', 'Failed']),
  message: z.string(),
});
export type JobRecord = z.output<typeof JobRecord>;

export interface SimSettings {
  quota: number;
  jobChecksUntilDone: number;
  /** null: jobs settle only when checked. */
  jobSettleMs: number | null;
  modes: SimModes;
}

export interface SimState extends SimSettings {
  accounts: SimAccount[];
  seq: number;
  /**
   * In creation (`seq`) order: records are only ever added, under codes never used before, so the
   * Map's insertion order is the list's order and paging needs no sort.
   */
  invoices: Map<string, InvoiceRecord>;
  jobs: Map<string, JobRecord>;
  /** Tracking codes of the jobs still Pending, so settling idle jobs does not scan every job ever made. */
  pendingJobs: Set<string>;
  /** Last invoice number per `<account id>/<series>`. */
  seriesCounters: Map<string, number>;
  /** access token → expiry (epoch ms). */
  tokens: Map<string, number>;
}

/** Exactly one active account, so a client that names none can still pick "the only active one". */
export function seedAccounts(): SimAccount[] {
  return [SimAccount.parse(seededAccount()), SimAccount.parse(inactiveAccount())];
}

export function seedState(settings: SimSettings, tokens = new Map<string, number>()): SimState {
  return {
    ...settings,
    modes: { ...settings.modes },
    accounts: seedAccounts(),
    seq: 0,
    invoices: new Map(),
    jobs: new Map(),
    pendingJobs: new Set(),
    seriesCounters: new Map(),
    tokens,
  };
}

const StateFile = z.object({
  version: z.literal(1),
  quota: z.number(),
  jobChecksUntilDone: z.number(),
  jobSettleMs: z.number().nullable(),
  /** Absent in files written before modes existed. */
  modes: SimModes.default(() => ({ ...DEFAULT_MODES })),
  accounts: z.array(SimAccount),
  seq: z.number(),
  invoices: z.array(InvoiceRecord),
  jobs: z.array(JobRecord),
  seriesCounters: z.array(z.tuple([z.string(), z.number()])),
  tokens: z.array(z.tuple([z.string(), z.number()])),
});

export function serializeState(state: SimState): string {
  const file: z.input<typeof StateFile> = {
    version: 1,
    quota: state.quota,
    jobChecksUntilDone: state.jobChecksUntilDone,
    jobSettleMs: state.jobSettleMs,
    modes: state.modes,
    accounts: state.accounts,
    seq: state.seq,
    invoices: [...state.invoices.values()],
    jobs: [...state.jobs.values()],
    seriesCounters: [...state.seriesCounters],
    tokens: [...state.tokens],
  };
  return JSON.stringify(file);
}

export function deserializeState(text: string): SimState {
  const file = StateFile.parse(JSON.parse(text));
  return {
    quota: file.quota,
    jobChecksUntilDone: file.jobChecksUntilDone,
    jobSettleMs: file.jobSettleMs,
    modes: file.modes,
    accounts: file.accounts,
    seq: file.seq,
    // Sorted once here, so the Map keeps creation order whatever order the file lists them in.
    invoices: new Map(file.invoices.sort((a, b) => a.seq - b.seq).map((i) => [i.reference_code, i])),
    jobs: new Map(file.jobs.map((j) => [j.tracking_code, j])),
    pendingJobs: new Set(file.jobs.filter((j) => j.status === 'Pending').map((j) => j.tracking_code)),
    seriesCounters: new Map(file.seriesCounters),
    tokens: new Map(file.tokens),
  };
}
