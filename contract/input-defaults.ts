/**
 * Defaults of the workflow input that the workflow needs before its input is validated (to answer
 * queries meanwhile). Plain values, no zod: `input.ts` applies them in the schema.
 */
export const DEFAULT_MODE = 'draft-then-issue';
export const DEFAULT_APPROVAL = 'auto';
export const FIRST_REFERENCE_GENERATION = 1;
