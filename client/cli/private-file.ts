/**
 * Writing a downloaded invoice where only its owner can read it, and never through a link someone
 * planted at the path: the bytes go to a new 0600 file beside the target (created exclusively, so
 * it is ours and no link), then take the target's name. `rename` when replacing is allowed: it
 * replaces a link itself, never the file the link points to. `link` otherwise: it refuses any
 * existing name, a dangling link included. Either way a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Invoices name buyers: nobody but the owner reads them. */
export const PRIVATE_FILE_MODE = 0o600;

/** The target existed (file, directory or link) and replacing was not allowed. */
export class TargetExistsError extends Error {
  override readonly name = 'TargetExists';
}

/** What is at `path` now, without following a link there: undefined when nothing is. */
export async function existingEntry(path: string): Promise<'directory' | 'other' | undefined> {
  try {
    return (await lstat(path)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function writePrivateFile(path: string, bytes: Uint8Array, { replace }: { replace: boolean }): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  try {
    const file = await open(temporary, 'wx', PRIVATE_FILE_MODE);
    try {
      // The umask can only take bits away; set them exactly anyway.
      await file.chmod(PRIVATE_FILE_MODE);
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    if (replace) await rename(temporary, path);
    else await linkWithoutReplacing(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function linkWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new TargetExistsError(`${to} already exists`);
    // A file system without hard links: an exclusive copy refuses an existing name (a link too) as well.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    try {
      await copyFile(from, to, constants.COPYFILE_EXCL);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw new TargetExistsError(`${to} already exists`);
      throw copyError;
    }
  }
}
