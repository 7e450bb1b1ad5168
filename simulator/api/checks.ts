/** §6, §8: the check endpoints; each check counts towards settling the job. */
import { type Handler } from '../context.js';
import { notFound, ok } from '../http.js';
import { visibleInvoice } from '../invoices.js';
import { checkJob } from '../jobs.js';
import { type JobKind } from '../state.js';
import { summaryOf } from '../views.js';

const UNKNOWN_TRACKING_CODE = 'Không tìm thấy yêu cầu với tracking_code này';

function jobCheck(kind: JobKind): Handler {
  return ({ sim, params, origin }) => {
    const job = sim.state.jobs.get(params.tracking_code ?? '');
    if (job?.kind !== kind) throw notFound(UNKNOWN_TRACKING_CODE);
    if (job.unknown_checks_left > 0) {
      // Mode trackingNotFoundChecks: SePay has accepted the job but this endpoint does not know it
      // yet. The answer is the same 404 as for a code that never existed.
      job.unknown_checks_left--;
      throw notFound(UNKNOWN_TRACKING_CODE);
    }
    checkJob(sim, job);
    const invoice = job.status === 'Success' ? visibleInvoice(sim.state, job.reference_code) : undefined;
    return ok({
      reference_code: job.reference_code,
      status: job.status,
      message: job.message,
      ...(invoice && { invoice: summaryOf(invoice, origin) }),
    });
  };
}

export const checkCreate = jobCheck('create');
export const checkIssue = jobCheck('issue');
