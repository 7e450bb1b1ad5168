/**
 * What a run shows outside itself: search attributes (what operators filter on in the Web UI) and
 * memo (what the client reads before a re-run). Each write is a command that Temporal Cloud bills
 * as an action, so values the start request already carried are not written again, and search
 * attributes set between two stage changes go out together with the next one.
 */
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';
import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { InvoiceStage } from '../contract/messages.js';
import { InvoiceStage as InvoiceStageKey, invoiceSearchAttributes } from '../contract/search-attributes.js';

/**
 * The `InvoiceStage` search attribute holds only the stages an operator filters on: a step that
 * lasts milliseconds is shown under the wait it belongs to (the status query and the Web UI's
 * current details keep the exact stage).
 */
export function searchableStage(stage: InvoiceStage): InvoiceStage {
  switch (stage) {
    case 'authenticating':
    case 'inspecting':
    case 'replacing-draft':
    case 'creating':
    case 'awaiting-creation':
      return 'creating';
    case 'issuing':
    case 'awaiting-issuance':
    case 'fetching-detail':
      return 'issuing';
    default:
      return stage;
  }
}

type Key = SearchAttributeKey<'KEYWORD'>;

export class RunVisibility {
  readonly #written = new Map<string, string>();
  readonly #pending = new Map<string, { key: Key; value: string }>();
  readonly #memo: Record<string, unknown>;

  constructor() {
    const { typedSearchAttributes, memo } = workflowInfo();
    for (const key of invoiceSearchAttributes) {
      const value = typedSearchAttributes.get(key);
      if (typeof value === 'string') this.#written.set(key.name, value);
    }
    this.#memo = { ...(memo ?? {}) };
  }

  /** Written with the next stage change (or the run's end), unless it already holds this value. */
  set(key: Key, value: string): void {
    if (this.#written.get(key.name) === value) this.#pending.delete(key.name);
    else this.#pending.set(key.name, { key, value });
  }

  /** The stage, and everything set since the last write, in one command when anything changed. */
  enter(stage: InvoiceStage): void {
    this.set(InvoiceStageKey, searchableStage(stage));
    if (!this.#pending.has(InvoiceStageKey.name)) return;
    const updates = [...this.#pending.values()];
    upsertSearchAttributes(updates.map(({ key, value }) => ({ key, value })));
    for (const { key, value } of updates) this.#written.set(key.name, value);
    this.#pending.clear();
  }

  /** Memo keys whose value differs from what the run already shows. */
  memo(entries: Record<string, unknown>): void {
    const changed = Object.entries(entries).filter(([key, value]) => this.#memo[key] !== value);
    if (changed.length === 0) return;
    upsertMemo(Object.fromEntries(changed));
    for (const [key, value] of changed) this.#memo[key] = value;
  }
}
