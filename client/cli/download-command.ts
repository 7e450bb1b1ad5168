/**
 * `download`: an invoice's PDF or XML from SePay, found by business key. The key's latest run knows
 * the reference code SePay files the invoice under; the file is written decoded, readable by its
 * owner only and never through a link planted at its path (`private-file.ts`); an existing file is
 * only replaced when asked. A draft's file is not an invoice, so it is written only when asked.
 */
import { FileType } from '../../sepay/schemas.js';
import { InvoiceReferenceCode } from '../../contract/search-attributes.js';
import { requiredInvoiceKey, requiredString } from './args.js';
import { type CliClient, type CliSepay, type Command } from './command.js';
import { existingEntry, TargetExistsError, writePrivateFile } from './private-file.js';
import { UsageError } from './usage-error.js';

/** The key has no issued invoice whose file SePay could return. */
export class NothingToDownloadError extends Error {
  override readonly name = 'NothingToDownload';
}

/** SePay holds the invoice as a draft, and `--draft` was not given: exit code 2, like a usage error. */
export class InvoiceNotIssuedError extends UsageError {
  override readonly name = 'InvoiceNotIssuedError';
  override readonly type = 'InvoiceNotIssued';
}

interface InvoiceOfKey {
  referenceCode: string;
  /** A completed run's result says so; a running run's invoice is SePay's to tell. */
  issued: boolean;
}

/** A completed run's result is authoritative; a running one is known by its search attribute. */
async function invoiceOf(client: CliClient, invoiceKey: string): Promise<InvoiceOfKey> {
  const handle = client.handle(invoiceKey);
  const run = await handle.describe();
  if (run.status.name === 'COMPLETED') {
    const result = await handle.result();
    if (result.outcome === 'issued') return { referenceCode: result.invoice.referenceCode, issued: true };
    throw new NothingToDownloadError(`invoice ${invoiceKey} was cancelled (${result.reason}): it has no file`);
  }
  const referenceCode = run.typedSearchAttributes.get(InvoiceReferenceCode);
  if (referenceCode === undefined) throw new NothingToDownloadError(`invoice ${invoiceKey} has no reference code yet (run ${run.status.name})`);
  return { referenceCode, issued: false };
}

/** Refuses a draft unless it was asked for; SePay's own status decides. */
async function assertDownloadable(sepay: CliSepay, invoiceKey: string, { referenceCode, issued }: InvoiceOfKey, draftAllowed: boolean): Promise<void> {
  if (issued || draftAllowed) return;
  const { status } = await sepay.getInvoice(referenceCode);
  if (status === 'draft') {
    throw new InvoiceNotIssuedError(
      `invoice ${invoiceKey} (reference code ${referenceCode}) has status ${status} at SePay: its file is not an issued invoice (--draft writes it anyway)`,
    );
  }
}

const download: Command = {
  usage: '--key K --type pdf|xml --out FILE [--force] [--draft]',
  summary: "write the invoice's PDF or XML from SePay to FILE, readable by you only (an existing FILE only with --force; a draft's file only with --draft)",
  options: { key: { type: 'string' }, type: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, draft: { type: 'boolean' } },
  async prepare(values) {
    const invoiceKey = requiredInvoiceKey(values);
    const typeText = requiredString(values, 'type');
    const type = FileType.safeParse(typeText);
    if (!type.success) throw new UsageError(`--type must be one of ${FileType.options.join(', ')}, got "${typeText}"`);
    const out = requiredString(values, 'out');
    const force = values.force === true;
    const exists = () => new UsageError(`--out ${out} already exists (--force replaces it)`);
    // lstat, not exists: a link at FILE counts, even one that points nowhere.
    const existing = await existingEntry(out);
    if (existing === 'directory') throw new UsageError(`--out ${out} is a directory: give a file name`);
    if (!force && existing !== undefined) throw exists();
    return async ({ temporal, sepay }) => {
      // SePay's settings first: a missing credential is reported before connecting to Temporal.
      const files = sepay();
      const invoice = await invoiceOf(await temporal(), invoiceKey);
      await assertDownloadable(files, invoiceKey, invoice, values.draft === true);
      const file = await files.downloadInvoice(invoice.referenceCode, type.data);
      try {
        // Without --force the name is taken only if it is still free, also if a file appeared since the check above.
        await writePrivateFile(out, file.bytes, { replace: force });
      } catch (error) {
        if (error instanceof TargetExistsError) throw exists();
        throw error;
      }
      const { referenceCode } = invoice;
      const json = { invoiceKey, referenceCode, type: file.file_type, fileName: file.file_name, path: out, bytes: file.bytes.length };
      return { json, text: `Wrote ${file.file_name} (${file.bytes.length} bytes, invoice ${invoiceKey}, reference code ${referenceCode}) to ${out}` };
    };
  },
};

export const downloadCommands = { download } satisfies Record<string, Command>;
