/**
 * Where an encrypted payload belongs, authenticated as AES-GCM's additional data so it cannot be
 * moved unnoticed. The SDK (1.24, experimental) tells the codec the namespace and workflow id a
 * payload is written for; both go into the payload's metadata in clear (Temporal shows them
 * anyway) and into the additional data, together with the encoding, the key id and the format.
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

/** Version 1 (no format field) authenticated the key id only; it still decrypts. */
export const CURRENT_FORMAT = '2';
const FORMAT_LABEL = 'sepay-einvoice-temporal/aes-256-gcm/v2';

export interface PayloadBinding {
  namespace?: string;
  workflowId?: string;
}

export class PayloadBindingError extends Error {
  override readonly name = 'PayloadBindingError';
  constructor(what: 'namespace' | 'workflow id', boundTo: string, usedFor: string) {
    super(`An encrypted payload written for ${what} "${boundTo}" was delivered to ${what} "${usedFor}": refused (a ciphertext was moved)`);
  }
}

/** What the SDK says this payload is written for; nothing when it gives no context (codec server, some client calls). */
export function bindingOf(context: SerializationContext | undefined): PayloadBinding {
  return { namespace: context?.namespace, workflowId: context?.workflowId };
}

/** The additional data of a current-format payload: every value that must not change, unambiguously encoded. */
export function additionalData(encoding: string, keyId: string, binding: PayloadBinding): Buffer {
  return Buffer.from(JSON.stringify([FORMAT_LABEL, encoding, keyId, binding.namespace ?? null, binding.workflowId ?? null]), 'utf8');
}

/** A payload written without a context is unbound and accepted anywhere; a bound one only where it belongs. */
export function checkBinding(bound: PayloadBinding, context: SerializationContext | undefined): void {
  const here = bindingOf(context);
  if (bound.namespace !== undefined && here.namespace !== undefined && bound.namespace !== here.namespace) {
    throw new PayloadBindingError('namespace', bound.namespace, here.namespace);
  }
  if (bound.workflowId !== undefined && here.workflowId !== undefined && bound.workflowId !== here.workflowId) {
    throw new PayloadBindingError('workflow id', bound.workflowId, here.workflowId);
  }
}
