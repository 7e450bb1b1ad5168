/**
 * zod schemas of the arguments every signal and update of `issueInvoiceWorkflow` carries. Anyone
 * with Temporal access can send a message with any payload (the Web UI, the CLI, the HTTP API, an
 * app in another language), so the workflow parses each argument before it acts on it: a malformed
 * one changes nothing and is recorded, instead of throwing inside a handler and failing the
 * workflow task on every retry. The client and the JSON Schemas use the same schemas.
 */
import { z } from 'zod';
import { describeIssues } from './input.js';
import { isUnencryptedPayload } from './unencrypted-payload.js';

/** Long enough for any operator's note, short enough that history and the Web UI stay readable. */
export const MAX_REASON_LENGTH = 1_000;

export const CancelRequestSchema = z.strictObject({
  reason: z.string().trim().min(1).max(MAX_REASON_LENGTH),
});

/** A bare `approveIssuance` (the Web UI sends one without input) approves without a name. */
export const ApproveRequestSchema = z
  .strictObject({ approvedBy: z.string().trim().min(1).max(200).optional() })
  .optional()
  .transform((request) => request ?? {});

export type ParsedArgument<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The argument parsed, or why it is refused (a clear payload where encryption is required included). */
export function parseArgument<T>(schema: z.ZodType<T>, argument: unknown): ParsedArgument<T> {
  if (isUnencryptedPayload(argument)) return { ok: false, problem: 'the message was not encrypted and this worker requires encryption' };
  const parsed = schema.safeParse(argument);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: describeIssues(parsed.error).join('; ') || 'malformed argument' };
}
