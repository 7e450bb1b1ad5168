/**
 * The run's decision table, row by row, and its copy in docs/reference-codes.md: what a run does
 * after each answer must be the same in the code and in what operators read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decide, decisionTableMarkdown, DECISIONS, type Action, type Answer, type RunSide, type Step } from '../../workflows/decision-table.js';

/** The actions that change what SePay holds for the key or what later runs use: never past the point of no return. */
const SPENDING_OR_UNDOING: readonly Action[] = ['spend-and-fail', 'compensate-and-fail', 'await-quota-same-code'];

describe('decision table', () => {
  it.each(DECISIONS.map((row) => [`${row.side} · ${row.step} · ${row.answer} → ${row.action}`, row] as const))('%s', (_, row) => {
    expect(decide(row.side, row.step, row.answer)).toEqual(row);
  });

  it('lists each combination of facts once', () => {
    const keys = DECISIONS.map(({ side, step, answer }) => `${side}/${step}/${answer}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('past the point of no return nothing is spent, undone or sent under another code unless SePay says the job made nothing', () => {
    for (const row of DECISIONS.filter((decision) => decision.side === 'past' && !decision.answer.startsWith('job-failed'))) {
      expect(SPENDING_OR_UNDOING).not.toContain(row.action);
      expect(row.action).not.toBe('await-quota-next-code');
      if (row.answer === 'failure') expect(row.action).toBe('fail-naming-code');
    }
  });

  it('moves to another code only on a failed job SePay itself reported, never on a failure anyone could send', () => {
    for (const row of DECISIONS.filter((decision) => decision.action === 'await-quota-next-code' || decision.action === 'spend-and-fail')) {
      expect(row.answer === 'job-failed' || row.answer === 'job-failed-quota').toBe(true);
    }
  });

  it.each([
    ['past', 'compensate', 'success', 'fail-naming-code'],
    ['before', 'issue', 'refused-quota', 'compensate-and-fail'],
  ] as const satisfies readonly (readonly [RunSide, Step, Answer, Action])[])('an unlisted combination (%s · %s · %s) fails safely: %s', (side, step, answer, action) => {
    expect(decide(side, step, answer).action).toBe(action);
  });

  it('is printed in docs/reference-codes.md exactly as the code has it', () => {
    const docs = readFileSync(new URL('../../docs/reference-codes.md', import.meta.url), 'utf8');
    const start = docs.indexOf('<!-- decision-table:start -->');
    const end = docs.indexOf('<!-- decision-table:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(docs.slice(start, end).split('\n').slice(1).join('\n').trim()).toBe(decisionTableMarkdown());
  });
});
