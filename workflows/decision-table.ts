/**
 * What a run does after each answer to each of its SePay steps, as one table over three facts:
 * which side of the point of no return the run's own record puts it on, which step answered, and
 * what the answer was. The workflow asks `decide` instead of keeping flags; docs/reference-codes.md
 * prints the same rows (a unit test keeps the two identical).
 *
 * A failure's type is never grounds to spend a code, move to another code or end cancelled: those
 * follow only from SePay's own answers that an activity returned (a job SePay reports failed), from
 * deletions the run made, or from the run's record. Past the point of no return a failure of any
 * kind, from SePay or forged by anyone with Temporal access, ends the run naming the code, whose
 * issue request stays sent: a new run of the key follows it to issued.
 */

/** Before: nothing this run sent can issue the invoice. Past: an issue request (or a direct create) was sent. */
export type RunSide = 'before' | 'past';

export type Step = 'create' | 'issue' | 'await' | 'compensate';

export type Answer =
  /** The step's result: what SePay holds now (draft, issued), or the job it accepted. */
  | 'success'
  /** The request was refused with 403 (QUOTA_EXCEEDED, BILLING_IS_UNPAID): nothing was created or issued. */
  | 'refused-quota'
  /** SePay reports the create job failed for quota (an activity's result, not a failure): nothing was made. */
  | 'job-failed-quota'
  /** SePay reports the create job failed for another reason: nothing was made, and the code is taken for good. */
  | 'job-failed'
  /** Any other failure: a typed refusal, a deadline, a failure sent by someone else, one nobody expected. */
  | 'failure';

export type Action =
  | 'continue'
  /** Wait for quota (cancellably, stage awaiting-quota), then send the same request again for the same code. */
  | 'await-quota-same-code'
  /** Record the code spent, wait for quota, then create again under the next code. */
  | 'await-quota-next-code'
  /** Record the code spent and end the run with the failure (compensation first). */
  | 'spend-and-fail'
  /** Compensate (delete what this run made) and end the run with the failure. */
  | 'compensate-and-fail'
  /** Retried in place by the activity with backoff, the same code: the history does not grow. */
  | 'retry-in-place'
  /** End the run with the failure, naming the code: nothing spent, nothing undone, never cancelled. */
  | 'fail-naming-code';

export interface Decision {
  side: RunSide;
  step: Step;
  answer: Answer;
  action: Action;
  why: string;
}

export const DECISIONS: readonly Decision[] = [
  { side: 'before', step: 'create', answer: 'success', action: 'continue', why: 'a draft is being created under this code' },
  { side: 'before', step: 'create', answer: 'refused-quota', action: 'await-quota-same-code', why: 'a refused request created nothing; a 409 would find anything that was' },
  { side: 'before', step: 'create', answer: 'failure', action: 'compensate-and-fail', why: 'nothing is issued; a draft this run may have made is deleted' },
  { side: 'before', step: 'await', answer: 'success', action: 'continue', why: 'SePay holds the draft (or, found issued, the run is past the point of no return)' },
  { side: 'before', step: 'await', answer: 'job-failed-quota', action: 'await-quota-next-code', why: 'SePay says the job made nothing; whether the code can be reused is undocumented' },
  { side: 'before', step: 'await', answer: 'job-failed', action: 'spend-and-fail', why: 'SePay says the job made nothing and keeps the code taken' },
  { side: 'before', step: 'await', answer: 'failure', action: 'compensate-and-fail', why: 'the draft may exist: compensation waits for the job and deletes it' },
  { side: 'before', step: 'compensate', answer: 'failure', action: 'fail-naming-code', why: 'the draft may remain or appear: CompensationFailed says where' },
  { side: 'past', step: 'create', answer: 'success', action: 'continue', why: 'a direct create is being made and issued under this code' },
  { side: 'past', step: 'create', answer: 'refused-quota', action: 'retry-in-place', why: 'the answer is a refusal, but a lost earlier attempt may have been committed: only this code is asked again' },
  { side: 'past', step: 'issue', answer: 'success', action: 'continue', why: 'the issue job runs' },
  { side: 'past', step: 'issue', answer: 'refused-quota', action: 'retry-in-place', why: 'nothing was issued and the draft is still there' },
  { side: 'past', step: 'await', answer: 'success', action: 'continue', why: 'issued: the detail is fetched' },
  { side: 'past', step: 'await', answer: 'refused-quota', action: 'retry-in-place', why: 'the issue job failed for quota: the draft is asked to issue again after the backoff' },
  { side: 'past', step: 'await', answer: 'job-failed-quota', action: 'await-quota-next-code', why: 'a direct create SePay says made nothing: nothing was committed under this code' },
  { side: 'past', step: 'await', answer: 'job-failed', action: 'spend-and-fail', why: "SePay's own answer that the direct create made nothing; it keeps the code taken" },
  { side: 'past', step: 'create', answer: 'failure', action: 'fail-naming-code', why: 'the create may have been committed' },
  { side: 'past', step: 'issue', answer: 'failure', action: 'fail-naming-code', why: 'the issue request may have been accepted' },
  { side: 'past', step: 'await', answer: 'failure', action: 'fail-naming-code', why: 'whoever sent it, the issuance may still complete' },
];

/** The row for these facts; a combination the table does not list is a failure naming the code. */
export function decide(side: RunSide, step: Step, answer: Answer): Decision {
  return (
    DECISIONS.find((row) => row.side === side && row.step === step && row.answer === answer) ?? {
      side,
      step,
      answer,
      action: side === 'past' ? 'fail-naming-code' : 'compensate-and-fail',
      why: 'an answer this step does not expect',
    }
  );
}

/** The table as docs/reference-codes.md shows it. */
export function decisionTableMarkdown(): string {
  const rows = DECISIONS.map(({ side, step, answer, action, why }) => `| ${side} | ${step} | ${answer} | ${action} | ${why} |`);
  return ['| point of no return | step | answer | action | why |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
