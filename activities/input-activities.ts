/**
 * Input validation as a local activity: in the worker's main thread zod and the SePay schemas are
 * loaded once, whereas inside the workflow sandbox every run evaluates them again in its own
 * module cache (bench/README.md measured ~14 ms CPU and ~1.8 MiB per cached run).
 */
import type { ParsedIssueInvoiceInput } from '../workflows/input.js';
import { parseIssueInput } from '../workflows/input-parser.js';

export const inputActivities = {
  async parseIssueInput(rawInput: unknown): Promise<ParsedIssueInvoiceInput> {
    return parseIssueInput(rawInput);
  },
};

export type InputActivities = typeof inputActivities;
