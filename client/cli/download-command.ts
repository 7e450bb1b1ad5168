/**
 * `download`: an invoice's PDF or XML from SePay, found by business key. The key's latest run knows
 * the reference code SePay files the invoice under; the file is written decoded, and an existing
 * file is only replaced when asked.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { FileType } from '../../sepay/schemas.js';
import { InvoiceReferenceCode } from '../../workflows/search-attributes.js';
import { requiredString } from './args.js';
import { type CliClient, type Command } from './command.js';
import { UsageError } from './usage-error.js';

/** The key has no issued invoice whose file SePay could return. */
export class NothingToDownloadError extends Error {
  override readonly name = 'NothingToDownload';
}

/** A completed run's result is authoritative; a running one is known by its search attribute. */
async function referenceCodeOf(client: CliClient, invoiceKey: string): Promise<string> {
  const handle = client.handle(invoiceKey);
  const run = await handle.describe();
  if (run.status.name === 'COMPLETED') {
    const result = await handle.result();
    if (result.outcome === 'issued') return result.invoice.referenceCode;
    throw new NothingToDownloadError(`invoice ${invoiceKey} was cancelled (${result.reason}): it has no file`);
  }
  const referenceCode = run.typedSearchAttributes.get(InvoiceReferenceCode);
  if (referenceCode === undefined) throw new NothingToDownloadError(`invoice ${invoiceKey} has no reference code yet (run ${run.status.name})`);
  return referenceCode;
}

const download: Command = {
  usage: '--key K --type pdf|xml --out FILE [--force]',
  summary: "write the invoice's PDF or XML from SePay to FILE (an existing FILE only with --force)",
  options: { key: { type: 'string' }, type: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } },
  prepare(values) {
    const invoiceKey = requiredString(values, 'key');
    const typeText = requiredString(values, 'type');
    const type = FileType.safeParse(typeText);
    if (!type.success) throw new UsageError(`--type must be one of ${FileType.options.join(', ')}, got "${typeText}"`);
    const out = requiredString(values, 'out');
    const force = values.force === true;
    if (!force && existsSync(out)) throw new UsageError(`--out ${out} already exists (--force replaces it)`);
    return async ({ temporal, sepay }) => {
      // SePay's settings first: a missing credential is reported before connecting to Temporal.
      const files = sepay();
      const referenceCode = await referenceCodeOf(await temporal(), invoiceKey);
      const file = await files.downloadInvoice(referenceCode, type.data);
      try {
        // `wx` also refuses a file that appeared since the check above.
        await writeFile(out, file.bytes, { flag: force ? 'w' : 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`--out ${out} already exists (--force replaces it)`);
        throw error;
      }
      const json = { invoiceKey, referenceCode, type: file.file_type, fileName: file.file_name, path: out, bytes: file.bytes.length };
      return { json, text: `Wrote ${file.file_name} (${file.bytes.length} bytes, invoice ${invoiceKey}, reference code ${referenceCode}) to ${out}` };
    };
  },
};

export const downloadCommands = { download } satisfies Record<string, Command>;
