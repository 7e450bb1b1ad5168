/**
 * Where an encrypted payload belongs, authenticated as AES-GCM's additional data so it cannot be
 * moved unnoticed. The SDK (1.24, experimental) tells the codec the namespace and workflow id a
 * payload is written for; both go into the payload's metadata in clear (Temporal shows them
 * anyway) and into the additional data, together with the encoding, the key id and the format.
 *
 * A Schedule's action is encoded for the schedule's workflow id, but each run it starts is named
 * `<that id>-<start time>`: a payload written for one of our schedules' workflow ids carries the
 * scope `schedule` (format 3) and is accepted in that id and in the ids of the runs it starts,
 * nowhere else (not in any invoice).
 *
 * Not bound, because the SDK gives no stable value for them: the run id (a client encodes the
 * input before the run exists), the field (input, signal, result and activity payloads all share
 * one context shape, and the SDK falls back to the workflow's context for an activity result it
 * has no pending context for), the activity id. See docs/encryption.md.
 */
import type { SerializationContext } from '@temporalio/common';

export const METADATA_FORMAT = 'encryption-format';
export const METADATA_NAMESPACE = 'encryption-namespace';
export const METADATA_WORKFLOW_ID = 'encryption-workflow-id';

export const METADATA_SCOPE = 'encryption-scope';

/** Version 1 (no format field) authenticated the key id only; it still decrypts. */
export const CURRENT_FORMAT = '2';
/** Format 2 with a scope in the additional data: written only for a schedule's action. */
export const SCOPED_FORMAT = '3';
const FORMAT_LABEL = 'sepay-einvoice-temporal/aes-256-gcm/v2';
const SCOPED_FORMAT_LABEL = 'sepay-einvoice-temporal/aes-256-gcm/v3';

/** `schedule`: the workflow id is a schedule's; the runs it starts (`<id>-<start time>`) may read it. */
export type BindingScope = 'schedule';

export interface PayloadBinding {
  namespace?: string;
  workflowId?: string;
  scope?: BindingScope;
}

export class PayloadBindingError extends Error {
  override readonly name = 'PayloadBindingError';
  constructor(what: 'namespace' | 'workflow id', boundTo: string, usedFor: string) {
    super(`An encrypted payload written for ${what} "${boundTo}" was delivered to ${what} "${usedFor}": refused (a ciphertext was moved)`);
  }
}

/**
 * What the SDK says this payload is written for; nothing when it gives no context (codec server,
 * some client calls). A workflow id in `scheduledWorkflowIds` is a schedule's (the encoding side
 * is then the schedule client writing the action, or a start under that very id).
 */
export function bindingOf(context: SerializationContext | undefined, scheduledWorkflowIds: readonly string[] = []): PayloadBinding {
  const workflowId = context?.workflowId;
  const scope: BindingScope | undefined = workflowId !== undefined && scheduledWorkflowIds.includes(workflowId) ? 'schedule' : undefined;
  return { namespace: context?.namespace, workflowId, ...(scope && { scope }) };
}

/** The format a payload with this binding is written in. */
export function formatOf(binding: PayloadBinding): string {
  return binding.scope === undefined ? CURRENT_FORMAT : SCOPED_FORMAT;
}

/** The additional data of a format 2 or 3 payload: every value that must not change, unambiguously encoded. */
export function additionalData(encoding: string, keyId: string, binding: PayloadBinding): Buffer {
  const fields = [encoding, keyId, binding.namespace ?? null, binding.workflowId ?? null];
  const list = binding.scope === undefined ? [FORMAT_LABEL, ...fields] : [SCOPED_FORMAT_LABEL, ...fields, binding.scope];
  return Buffer.from(JSON.stringify(list), 'utf8');
}

/**
 * The id Temporal gives a run a Schedule starts: the action's workflow id, `-`, and the start
 * time in RFC 3339 (UTC, whole seconds), e.g. `sepay-usage-monitor-2026-12-07T07:20:00Z`.
 */
const SCHEDULED_RUN_SUFFIX = /^-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function readableIn(bound: PayloadBinding & { workflowId: string }, workflowId: string): boolean {
  if (bound.workflowId === workflowId) return true;
  return bound.scope === 'schedule' && workflowId.startsWith(bound.workflowId) && SCHEDULED_RUN_SUFFIX.test(workflowId.slice(bound.workflowId.length));
}

/** A payload written without a context is unbound and accepted anywhere; a bound one only where it belongs. */
export function checkBinding(bound: PayloadBinding, context: SerializationContext | undefined): void {
  const here = bindingOf(context);
  if (bound.namespace !== undefined && here.namespace !== undefined && bound.namespace !== here.namespace) {
    throw new PayloadBindingError('namespace', bound.namespace, here.namespace);
  }
  if (bound.workflowId !== undefined && here.workflowId !== undefined && !readableIn({ ...bound, workflowId: bound.workflowId }, here.workflowId)) {
    throw new PayloadBindingError('workflow id', bound.workflowId, here.workflowId);
  }
}
