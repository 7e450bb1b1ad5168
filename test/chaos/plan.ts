/**
 * A chaos run, drawn from one seed: which invoices start when, what a user does to them (approve,
 * cancel), and when which process dies. The same seed gives the same plan, so a failing run can be
 * replayed with CHAOS_SEED=<seed>.
 */
import { seededRandom } from '../../simulator/prng.js';

/**
 * - `auto`, `direct`: issued.
 * - `approve`: waits for manual approval, which comes: issued.
 * - `cancel-waiting`: waits for manual approval, cancelled instead: cancelled, draft deleted.
 * - `cancel-race`: cancelled at a random moment: cancelled, or issued if the cancel came too late.
 */
export type InvoiceKind = 'auto' | 'direct' | 'approve' | 'cancel-waiting' | 'cancel-race';

export interface PlannedInvoice {
  key: string;
  kind: InvoiceKind;
  startAtMs: number;
  /** When the approval or cancel signal is sent. */
  actAtMs?: number;
}

export type ChaosKind = 'kill-worker' | 'kill-server' | 'restart-simulator' | 'drain-worker';

export interface ChaosEvent {
  kind: ChaosKind;
  atMs: number;
  /** How long the part stays down before it is started again. */
  downMs: number;
}

export interface ChaosPlan {
  seed: number;
  invoices: PlannedInvoice[];
  events: ChaosEvent[];
}

const KIND_WEIGHTS: [InvoiceKind, number][] = [
  ['auto', 40],
  ['direct', 15],
  ['approve', 20],
  ['cancel-waiting', 15],
  ['cancel-race', 10],
];

/** Every kind of trouble the issue asks for, kills spread over the run so they hit different stages. */
const EVENT_SCHEDULE: [ChaosKind, number, number][] = [
  ['kill-worker', 4_000, 8_000],
  ['kill-server', 12_000, 16_000],
  ['kill-worker', 20_000, 24_000],
  ['restart-simulator', 28_000, 32_000],
  ['drain-worker', 36_000, 40_000],
  ['kill-worker', 44_000, 48_000],
];

export function chaosPlan(seed: number, invoiceCount: number): ChaosPlan {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  const totalWeight = KIND_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  const pickKind = (): InvoiceKind => {
    let roll = random() * totalWeight;
    for (const [kind, weight] of KIND_WEIGHTS) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'auto';
  };
  const invoices = Array.from({ length: invoiceCount }, (_, index): PlannedInvoice => {
    // The first five cover every kind whatever the seed; the rest are drawn.
    const kind = index < KIND_WEIGHTS.length ? KIND_WEIGHTS[index]![0] : pickKind();
    const startAtMs = between(0, 35_000);
    const needsAction = kind === 'approve' || kind === 'cancel-waiting' || kind === 'cancel-race';
    return {
      key: `chaos-${seed}-${String(index).padStart(3, '0')}`,
      kind,
      startAtMs,
      actAtMs: needsAction ? startAtMs + between(kind === 'cancel-race' ? 0 : 3_000, 15_000) : undefined,
    };
  });
  const events = EVENT_SCHEDULE.map(([kind, low, high]) => ({ kind, atMs: between(low, high), downMs: between(300, 2_500) }));
  return { seed, invoices, events };
}
