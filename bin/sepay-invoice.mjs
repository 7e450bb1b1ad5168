#!/usr/bin/env node
// `npx sepay-invoice …`: the invoice CLI without npm's banner on stdout, so `--json | jq` works.
// From a checkout it runs the TypeScript sources through tsx; without them (an installed build)
// it runs the compiled CLI.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const sources = new URL('../client/cli.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/client/cli.js', import.meta.url).href);
}
