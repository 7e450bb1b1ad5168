/** Signal and update arguments are parsed before the workflow acts on them (contract/message-arguments.ts). */
import { describe, expect, it } from 'vitest';
import { ApproveRequestSchema, CancelRequestSchema, MAX_REASON_LENGTH, parseArgument } from '../../contract/message-arguments.js';
import { UNENCRYPTED_PAYLOAD } from '../../contract/unencrypted-payload.js';

describe('message arguments', () => {
  it('accepts a cancel with a reason, trimmed', () => {
    expect(parseArgument(CancelRequestSchema, { reason: '  order withdrawn ' })).toEqual({ ok: true, value: { reason: 'order withdrawn' } });
  });

  it.each([
    ['no argument', undefined],
    ['a string', 'cancel it'],
    ['no reason', {}],
    ['an empty reason', { reason: '   ' }],
    ['a reason that is not text', { reason: 42 }],
    ['an unknown field', { reason: 'x', force: true }],
    ['an overlong reason', { reason: 'x'.repeat(MAX_REASON_LENGTH + 1) }],
  ])('refuses a cancel with %s, naming the problem', (_, argument) => {
    const parsed = parseArgument(CancelRequestSchema, argument);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.length).toBeGreaterThan(0);
  });

  it('accepts an approval with or without a name (the Web UI sends none)', () => {
    expect(parseArgument(ApproveRequestSchema, undefined)).toEqual({ ok: true, value: {} });
    expect(parseArgument(ApproveRequestSchema, { approvedBy: 'kế toán' })).toEqual({ ok: true, value: { approvedBy: 'kế toán' } });
  });

  it.each([['a string', 'yes'], ['a number as the name', { approvedBy: 7 }], ['an unknown field', { approved: true }]])('refuses an approval with %s', (_, argument) => {
    expect(parseArgument(ApproveRequestSchema, argument).ok).toBe(false);
  });

  it('refuses a message that arrived in clear where encryption is required', () => {
    expect(parseArgument(CancelRequestSchema, UNENCRYPTED_PAYLOAD)).toEqual({ ok: false, problem: 'the message was not encrypted and this worker requires encryption' });
  });
});
