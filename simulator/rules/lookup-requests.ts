/**
 * The simulator's own rules for the small requests (§7 issue body, §11 list query, §1.3 paging,
 * §12 download type), written from the API reference like the create rules, not taken from our
 * client.
 */
import { z } from 'zod';

/** §7: `{"reference_code": "…"}`, required. */
export const IssueRequestRules = z.object({
  reference_code: z.string('required, a string').refine((s) => s.trim() !== '', 'required, must not be blank'),
});

/** Query values arrive as text; a page or page size must be a whole number from 1 (§1.3). */
const positiveWhole = z
  .string()
  .regex(/^\d+$/, 'expected a whole number')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n) && n >= 1, 'expected a whole number from 1');

export const PageQueryRules = z.object({
  page: positiveWhole.optional(),
  per_page: positiveWhole.optional(),
});

/** §11: `source` filters by where the invoice was made; omitted = all. */
export const ListQueryRules = PageQueryRules.extend({
  source: z.enum(['manual', 'api']).optional(),
});

/** §12: `type` is required, `pdf` or `xml` only. */
export const DownloadQueryRules = z.object({ type: z.enum(['pdf', 'xml']) });
export type FileType = z.output<typeof DownloadQueryRules>['type'];
