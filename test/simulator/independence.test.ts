/**
 * The simulator is a second opinion on what SePay accepts: none of its code may take rules (or
 * anything else) from our client in `sepay/`, or client and simulator could never disagree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('simulator independence', () => {
  it('imports nothing from sepay/', () => {
    const files = sourceFiles(join(root, 'simulator'));
    expect(files.map((f) => relative(root, f))).toContain('simulator/rules/create-request.ts');
    const offenders = files.filter((file) => /from\s+['"](\.\.\/)+sepay\//.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
