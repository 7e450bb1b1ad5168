<?php
// Why this file exists: a command line over SepayInvoiceClient.php, so an operator (or
// test/languages/) can drive an invoice from PHP and read one JSON document per command on stdout.
//
//   php examples/php/invoice.php issue   --key order-1 --file examples/invoice.json [--options '{"approval":"manual"}'] [--plain]
//   php examples/php/invoice.php status  --key order-1
//   php examples/php/invoice.php approve --key order-1 [--by alice]
//   php examples/php/invoice.php cancel  --key order-1 --reason "customer cancelled" [--update]
//   php examples/php/invoice.php result  --key order-1 [--run-id RUN]
//   php examples/php/invoice.php quota-topped-up --key order-1     (a run waiting for quota checks again now)
//
// Environment: TEMPORAL_HTTP_ADDRESS (http://host:7243), TEMPORAL_NAMESPACE, SEPAY_TASK_QUEUE, and
// CODEC_SERVER_URL with CODEC_SERVER_TOKEN when the workers encrypt payloads.
// Exit codes: 0 success, 3 the run failed (`{"failure": {"type", "message"}}`), 2 usage, 1 anything else.

declare(strict_types=1);

require __DIR__ . '/SepayInvoiceClient.php';

use SepayInvoice\InvoiceFailed;
use SepayInvoice\InvoiceRunEnded;
use SepayInvoice\SepayInvoiceClient;
use SepayInvoice\TemporalHttpError;

function out(mixed $value, int $code = 0): never
{
    echo json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION), "\n";
    exit($code);
}

$command = $argv[1] ?? '';
/** `--name value` pairs after the command; `--plain` and `--update` stand alone. */
$flags = [];
for ($i = 2; $i < $argc; $i++) {
    $name = substr($argv[$i], 2);
    if (!str_starts_with($argv[$i], '--')) out(['error' => ['type' => 'Usage', 'message' => "unexpected argument {$argv[$i]}"]], 2);
    $flags[$name] = in_array($name, ['plain', 'update'], true) ? true : ($argv[++$i] ?? '');
}
$key = $flags['key'] ?? null;
if (!is_string($key) || $key === '') out(['error' => ['type' => 'Usage', 'message' => "usage: invoice.php issue|status|approve|cancel|result|quota-topped-up --key KEY ..."]], 2);

$client = SepayInvoiceClient::fromEnv();
try {
    switch ($command) {
        case 'issue':
            $invoice = json_decode((string) file_get_contents((string) ($flags['file'] ?? 'php://stdin')), true, 512, JSON_THROW_ON_ERROR);
            $options = isset($flags['options']) ? json_decode((string) $flags['options'], true, 512, JSON_THROW_ON_ERROR) : [];
            out($client->issue($key, $invoice, $options, isset($flags['plain']) ? 'default' : 'invoice-client'));
        case 'status':
            out($client->status($key));
        case 'approve':
            $client->approve($key, isset($flags['by']) ? (string) $flags['by'] : null);
            out(['approved' => true]);
        case 'cancel':
            $reason = (string) ($flags['reason'] ?? '');
            if (isset($flags['update'])) out($client->requestCancellation($key, $reason));
            $client->cancel($key, $reason);
            out(['signalled' => true]);
        case 'quota-topped-up':
            $client->quotaToppedUp($key);
            out(['signalled' => true]);
        case 'result':
            out(['result' => $client->result($key, isset($flags['run-id']) ? (string) $flags['run-id'] : null)]);
        default:
            out(['error' => ['type' => 'Usage', 'message' => "unknown command '$command'"]], 2);
    }
} catch (InvoiceFailed $failure) {
    out(['failure' => ['type' => $failure->failureType, 'message' => $failure->getMessage()]], 3);
} catch (InvoiceRunEnded $ended) {
    out(['ended' => $ended->eventType], 3);
} catch (TemporalHttpError $error) {
    out(['error' => ['type' => 'TemporalHttpError', 'httpStatus' => $error->httpStatus, 'grpcCode' => $error->grpcCode, 'message' => $error->getMessage()]], 1);
} catch (\Throwable $error) {
    out(['error' => ['type' => get_class($error), 'message' => $error->getMessage()]], 1);
}
