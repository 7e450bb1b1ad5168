/** `npm run invoice -- <command>`: the invoice CLI (see `npm run invoice -- --help`). */
import { runCli } from './cli/run.js';
import { InvoiceClient } from './invoice-client.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => console.log(text),
  stderr: (text) => console.error(text),
  connect: () => InvoiceClient.connect(),
});
