/** `npx sepay-invoice <command>` (also `npm run invoice -- <command>`): the invoice CLI, see `--help`. */
import { runCli } from './cli/run.js';
import { InvoiceClient } from './invoice-client.js';
import { sepayClientFromEnv } from './sepay-connection.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
  connect: () => InvoiceClient.connect(),
  sepay: () => sepayClientFromEnv(),
});
