/** The task queue workers poll and clients start invoices on, unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'sepay-einvoice';
