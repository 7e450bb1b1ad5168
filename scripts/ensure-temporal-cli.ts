/** `npm run temporal:ensure`: provisions the Temporal CLI and prints its path and version. */
import { execFileSync } from 'node:child_process';
import { ensureTemporalCli } from './temporal-cli.js';

const cli = await ensureTemporalCli();
console.log(`${cli}\n${execFileSync(cli, ['--version']).toString().trim()}`);
