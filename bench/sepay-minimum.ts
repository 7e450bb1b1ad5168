/**
 * The fewest SePay calls an invoice needs in `draft-then-issue` mode when SePay answers at once,
 * by simulator endpoint name, to set the measured calls against.
 */
export const SEPAY_MINIMUM_PER_INVOICE: Readonly<Record<string, { calls: number; why: string }>> = {
  token: { calls: 0, why: 'one per worker per 24 h, shared by all its invoices' },
  create: { calls: 1, why: 'the draft' },
  'create-check': { calls: 1, why: 'the create job is asynchronous: one check learns it finished' },
  issue: { calls: 1, why: 'the point of no return' },
  'issue-check': { calls: 1, why: 'the issue job is asynchronous: one check learns it finished' },
  detail: { calls: 1, why: 'the checks omit the tax authority code and series the result carries' },
};
