<?php
// Why this file exists: PHP shops (Laravel, WooCommerce) issue SePay invoices through this project
// without a Temporal PHP SDK, over Temporal's HTTP API (grpc-gateway JSON) with curl alone, with the
// same workflow id, messages, id policies and failure `type` names as the TypeScript InvoiceClient
// (docs/other-languages.md). PHP 8.2+, extensions curl and json; no Composer package.

declare(strict_types=1);

namespace SepayInvoice;

/** A Temporal HTTP API call refused (gRPC status `grpcCode`: 5 not found, 6 already exists...). */
final class TemporalHttpError extends \RuntimeException
{
    public function __construct(public readonly int $httpStatus, public readonly ?int $grpcCode, string $message)
    {
        parent::__construct($message);
    }
}

/** The run failed; `failureType` is the stable `ApplicationFailure.type` (InvalidInvoiceInput, SepayJobFailed...). */
final class InvoiceFailed extends \RuntimeException
{
    /** @param array<string,mixed> $failure Temporal's failure, as the HTTP API returns it */
    public function __construct(public readonly ?string $failureType, string $message, public readonly array $failure = [])
    {
        parent::__construct($message);
    }
}

/** The run ended without a result or a failure of its own: terminated, timed out or cancelled through Temporal. */
final class InvoiceRunEnded extends \RuntimeException
{
    public function __construct(public readonly string $eventType)
    {
        parent::__construct("the invoice run ended without a result ($eventType)");
    }
}

/**
 * Optional: payloads encrypted through the project's codec server (`POST …/encode`, `…/decode`,
 * bearer token), for a worker with PAYLOAD_ENCRYPTION_KEYS. Without it payloads go as json/plain.
 */
final class CodecServer
{
    public function __construct(private readonly string $url, #[\SensitiveParameter] private readonly string $token)
    {
    }

    /** @param list<array<string,mixed>> $payloads @return list<array<string,mixed>> */
    public function encode(array $payloads, string $namespace): array
    {
        return $this->call('encode', $payloads, $namespace);
    }

    /** @param list<array<string,mixed>> $payloads @return list<array<string,mixed>> */
    public function decode(array $payloads, string $namespace): array
    {
        return $this->call('decode', $payloads, $namespace);
    }

    private function call(string $operation, array $payloads, string $namespace): array
    {
        if ($payloads === []) return [];
        [$status, $body] = http_json('POST', rtrim($this->url, '/') . "/$operation", ['payloads' => $payloads], [
            'Authorization: Bearer ' . $this->token,
            'X-Namespace: ' . $namespace,
        ]);
        if ($status !== 200 || !is_array($body['payloads'] ?? null)) {
            // The status only: the codec server's answer may quote what it was sent.
            throw new \RuntimeException("codec server /$operation answered HTTP $status");
        }
        return $body['payloads'];
    }
}

/**
 * Issues, follows, approves and cancels invoices of `issueInvoiceWorkflow` over Temporal's HTTP API.
 * Every method takes the business key (`order-2026-000123`); the workflow id is `invoice-<key>`.
 */
final class SepayInvoiceClient
{
    public const WORKFLOW_TYPE = 'issueInvoiceWorkflow';
    private const JSON_FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR;

    /**
     * @param string $httpAddress the frontend's HTTP API, e.g. http://127.0.0.1:7243
     * @param string $taskQueue   the workers' SEPAY_TASK_QUEUE
     */
    public function __construct(
        private readonly string $httpAddress,
        private readonly string $namespace = 'default',
        private readonly string $taskQueue = 'sepay-einvoice',
        private readonly ?CodecServer $codec = null,
        private readonly string $identity = 'sepay-invoice-php',
    ) {
    }

    /** TEMPORAL_HTTP_ADDRESS, TEMPORAL_NAMESPACE, SEPAY_TASK_QUEUE; CODEC_SERVER_URL and CODEC_SERVER_TOKEN for encryption. */
    public static function fromEnv(): self
    {
        $address = getenv('TEMPORAL_HTTP_ADDRESS') ?: 'http://127.0.0.1:7243';
        $codecUrl = getenv('CODEC_SERVER_URL') ?: null;
        $codec = $codecUrl ? new CodecServer($codecUrl, getenv('CODEC_SERVER_TOKEN') ?: '') : null;
        return new self($address, getenv('TEMPORAL_NAMESPACE') ?: 'default', getenv('SEPAY_TASK_QUEUE') ?: 'sepay-einvoice', $codec);
    }

    public static function workflowId(string $invoiceKey): string
    {
        return "invoice-$invoiceKey";
    }

    /** The first generation's code is the key itself; later ones `<key>~2`, `<key>~3`... */
    public static function referenceCode(string $invoiceKey, int $generation = 1): string
    {
        return $generation === 1 ? $invoiceKey : "$invoiceKey~$generation";
    }

    /**
     * Starts the key's invoice. `$policies = 'invoice-client'` does what the TypeScript
     * InvoiceClient.issue does (attach to an open run, return a completed one: USE_EXISTING /
     * ALLOW_DUPLICATE_FAILED_ONLY); `'default'` sends no policy at all (Temporal's defaults: a
     * second start while a run is open is refused with grpcCode 6; after a run ended, a new run
     * starts, and it reads what the earlier runs sent from Temporal itself).
     *
     * @param array<string,mixed> $invoice  schema/issue-invoice-input.schema.json#/properties/invoice
     * @param array<string,mixed> $options  schema/issue-invoice-input.schema.json#/properties/options
     * @return array{workflowId:string, runId:string, started:bool}
     */
    public function issue(string $invoiceKey, array $invoice, array $options = [], string $policies = 'invoice-client'): array
    {
        $workflowId = self::workflowId($invoiceKey);
        $input = ['invoiceKey' => $invoiceKey, 'invoice' => $invoice, 'options' => (object) $options];
        $mode = $options['mode'] ?? 'draft-then-issue';
        $approval = ($options['approval'] ?? 'auto') === 'manual' ? 'manual approval' : 'auto approval';
        $request = [
            'workflowId' => $workflowId,
            'workflowType' => ['name' => self::WORKFLOW_TYPE],
            'taskQueue' => ['name' => $this->taskQueue],
            'input' => ['payloads' => $this->encode([$input])],
            'identity' => $this->identity,
            // One id per call: Temporal dedupes a retried start with the same request id.
            'requestId' => uuid4(),
            // What the Web UI shows for the run, as the TypeScript client writes it.
            'userMetadata' => ['summary' => $this->encode(["Invoice $invoiceKey · $mode · $approval"])[0]],
            // Known at start, as InvoiceClient.issue writes them (search attributes are never encrypted).
            'searchAttributes' => ['indexedFields' => [
                'InvoiceStage' => keyword_payload('creating'),
                'InvoiceReferenceCode' => keyword_payload(self::referenceCode($invoiceKey, (int) ($options['referenceGeneration'] ?? 1))),
            ]],
        ];
        if ($policies === 'invoice-client') {
            $request['workflowIdConflictPolicy'] = 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING';
            $request['workflowIdReusePolicy'] = 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY';
        } elseif ($policies !== 'default') {
            throw new \InvalidArgumentException("policies must be 'invoice-client' or 'default'");
        }
        try {
            $answer = $this->call('POST', "/workflows/" . rawurlencode($workflowId), $request);
            return ['workflowId' => $workflowId, 'runId' => $answer['runId'], 'started' => (bool) ($answer['started'] ?? true)];
        } catch (TemporalHttpError $error) {
            // ALLOW_DUPLICATE_FAILED_ONLY refused: the key's invoice has completed, that run is the answer.
            if ($error->grpcCode !== 6 || $policies !== 'invoice-client') throw $error;
            $latest = $this->describe($invoiceKey);
            return ['workflowId' => $workflowId, 'runId' => $latest['workflowExecutionInfo']['execution']['runId'], 'started' => false];
        }
    }

    /** The `getInvoiceStatus` query (schema/invoice-status.schema.json), answered by a worker. */
    public function status(string $invoiceKey, ?string $runId = null): array
    {
        $answer = $this->call('POST', $this->path($invoiceKey, '/query/getInvoiceStatus'), [
            'execution' => $this->execution($invoiceKey, $runId),
            'query' => ['queryType' => 'getInvoiceStatus'],
        ]);
        if (isset($answer['queryRejected'])) throw new \RuntimeException('query rejected: ' . json_encode($answer['queryRejected']));
        return $this->decode($answer['queryResult']['payloads'] ?? [])[0];
    }

    /** For `approval: 'manual'`; ignored by a run that is not waiting for approval. */
    public function approve(string $invoiceKey, ?string $approvedBy = null): void
    {
        $this->signal($invoiceKey, 'approveIssuance', $approvedBy === null ? (object) [] : ['approvedBy' => $approvedBy]);
    }

    /** The cancel signal: before the point of no return the draft is deleted, after it recorded as too late. */
    public function cancel(string $invoiceKey, string $reason): void
    {
        $this->signal($invoiceKey, 'cancelInvoice', ['reason' => $reason]);
    }

    /** Every run waiting for quota checks again now. */
    public function quotaToppedUp(string $invoiceKey): void
    {
        $this->signal($invoiceKey, 'quotaToppedUp', null);
    }

    /**
     * The `requestCancellation` update: `{accepted: true, stage}`, or `{accepted: false, reason}`
     * when its validator refuses (past the point of no return, or a malformed argument) or the run has ended.
     *
     * @return array{accepted:bool, stage?:string, reason?:string}
     */
    public function requestCancellation(string $invoiceKey, string $reason): array
    {
        $updateId = uuid4();
        $request = [
            'workflowExecution' => $this->execution($invoiceKey, null),
            'waitPolicy' => ['lifecycleStage' => 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED'],
            'request' => [
                'meta' => ['updateId' => $updateId, 'identity' => $this->identity],
                'input' => ['name' => 'requestCancellation', 'args' => ['payloads' => $this->encode([['reason' => $reason]])]],
            ],
        ];
        // The server answers after its long-poll timeout with the update merely accepted: asking
        // again with the same update id returns the same update's outcome once it has one.
        for ($attempt = 0; $attempt < 30; $attempt++) {
            try {
                $answer = $this->call('POST', $this->path($invoiceKey, '/update/requestCancellation'), $request);
            } catch (TemporalHttpError $error) {
                if ($error->grpcCode !== 5) throw $error;
                return ['accepted' => false, 'reason' => 'too late to cancel: the invoice run has already ended'];
            }
            $outcome = $answer['outcome'] ?? null;
            if (isset($outcome['success'])) {
                $value = $this->decode($outcome['success']['payloads'] ?? [])[0];
                return ['accepted' => (bool) $value['accepted'], 'stage' => $value['stage']];
            }
            if (isset($outcome['failure'])) {
                return ['accepted' => false, 'reason' => $this->failureMessage($outcome['failure'])];
            }
        }
        throw new \RuntimeException("update $updateId has no outcome yet");
    }

    /**
     * Waits for the run's outcome (schema/issue-invoice-result.schema.json): long-polls the
     * history for its close event. A failed run throws InvoiceFailed with the failure's type.
     */
    public function result(string $invoiceKey, ?string $runId = null, float $timeoutSeconds = 3600): array
    {
        $deadline = microtime(true) + $timeoutSeconds;
        $pageToken = null;
        while (true) {
            $query = [
                'execution.runId' => $runId ?? '',
                'waitNewEvent' => 'true',
                'historyEventFilterType' => 'HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT',
            ];
            if ($pageToken !== null) $query['nextPageToken'] = $pageToken;
            $answer = $this->call('GET', $this->path($invoiceKey, '/history') . '&' . http_build_query($query));
            foreach ($answer['history']['events'] ?? [] as $event) {
                return $this->outcome($event);
            }
            $pageToken = $answer['nextPageToken'] ?? null;
            if (microtime(true) > $deadline) throw new \RuntimeException("no outcome for $invoiceKey within {$timeoutSeconds}s");
            if ($pageToken === null) usleep(100_000); // Nothing to resume from: ask again shortly.
        }
    }

    /** DescribeWorkflowExecution of the key's latest run (status, search attributes, memo). */
    public function describe(string $invoiceKey, ?string $runId = null): array
    {
        return $this->call('GET', $this->path($invoiceKey, '') . '&' . http_build_query(['execution.runId' => $runId ?? '']));
    }

    private function outcome(array $event): array
    {
        $type = $event['eventType'] ?? '';
        if (isset($event['workflowExecutionCompletedEventAttributes'])) {
            return $this->decode($event['workflowExecutionCompletedEventAttributes']['result']['payloads'] ?? [])[0];
        }
        if (isset($event['workflowExecutionFailedEventAttributes'])) {
            $failure = $event['workflowExecutionFailedEventAttributes']['failure'];
            throw new InvoiceFailed(self::failureType($failure), $this->failureMessage($failure), $failure);
        }
        throw new InvoiceRunEnded($type);
    }

    /** The `type` of the ApplicationFailure the run ended with, looking through activity failures as InvoiceClient's failureType does. */
    public static function failureType(array $failure): ?string
    {
        for ($f = $failure; $f !== null; $f = $f['cause'] ?? null) {
            if (isset($f['applicationFailureInfo'])) return $f['applicationFailureInfo']['type'] ?? null;
            if (!isset($f['activityFailureInfo'])) return null;
        }
        return null;
    }

    /** The failure's message; with encryption on the worker sends it encoded (`encodedAttributes`). */
    private function failureMessage(array $failure): string
    {
        if (isset($failure['encodedAttributes']) && $this->codec !== null) {
            $attributes = $this->decode([$failure['encodedAttributes']])[0];
            return (string) ($attributes['message'] ?? $failure['message'] ?? '');
        }
        return (string) ($failure['message'] ?? '');
    }

    private function signal(string $invoiceKey, string $name, mixed $argument): void
    {
        $request = ['workflowExecution' => $this->execution($invoiceKey, null), 'identity' => $this->identity, 'requestId' => uuid4()];
        if ($argument !== null) $request['input'] = ['payloads' => $this->encode([$argument])];
        $this->call('POST', $this->path($invoiceKey, "/signal/$name"), $request);
    }

    private function execution(string $invoiceKey, ?string $runId): array
    {
        return array_filter(['workflowId' => self::workflowId($invoiceKey), 'runId' => $runId]);
    }

    /** The workflow's path; `noPayloadShorthand` keeps every payload in the metadata/data form in answers too. */
    private function path(string $invoiceKey, string $suffix): string
    {
        return '/workflows/' . rawurlencode(self::workflowId($invoiceKey)) . $suffix . '?noPayloadShorthand';
    }

    /** @param list<mixed> $values @return list<array<string,mixed>> json/plain payloads, encrypted when a codec is set */
    private function encode(array $values): array
    {
        $payloads = array_map(fn ($value) => [
            'metadata' => ['encoding' => base64_encode('json/plain')],
            'data' => base64_encode(json_encode($value, self::JSON_FLAGS)),
        ], $values);
        return $this->codec ? $this->codec->encode($payloads, $this->namespace) : $payloads;
    }

    /** @param list<array<string,mixed>> $payloads @return list<mixed> */
    private function decode(array $payloads): array
    {
        if ($this->codec) $payloads = $this->codec->decode($payloads, $this->namespace);
        return array_map(static function (array $payload) {
            $encoding = base64_decode($payload['metadata']['encoding'] ?? '');
            $data = base64_decode($payload['data'] ?? '');
            return match ($encoding) {
                'json/plain' => json_decode($data, true, 512, JSON_THROW_ON_ERROR),
                'binary/null' => null,
                default => throw new \RuntimeException("cannot read a payload encoded $encoding" . ($encoding === 'binary/encrypted' ? ': set CODEC_SERVER_URL and CODEC_SERVER_TOKEN' : '')),
            };
        }, $payloads);
    }

    private function call(string $method, string $path, ?array $body = null): array
    {
        $url = rtrim($this->httpAddress, '/') . '/api/v1/namespaces/' . rawurlencode($this->namespace) . $path;
        [$status, $answer] = http_json($method, $url, $body, []);
        if ($status !== 200) {
            throw new TemporalHttpError($status, isset($answer['code']) ? (int) $answer['code'] : null, (string) ($answer['message'] ?? "HTTP $status"));
        }
        return $answer ?? [];
    }
}

/** @return array{0:int, 1:?array} the HTTP status and the decoded JSON answer */
function http_json(string $method, string $url, ?array $body, array $headers): array
{
    $curl = curl_init($url);
    $options = [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => array_merge(['Accept: application/json', 'Content-Type: application/json'], $headers),
        CURLOPT_CONNECTTIMEOUT => 10,
        // Above the server's long poll (about 20 s for history, updates and queries).
        CURLOPT_TIMEOUT => 90,
    ];
    if ($body !== null) {
        $options[CURLOPT_POSTFIELDS] = json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR);
    }
    curl_setopt_array($curl, $options);
    $raw = curl_exec($curl);
    if ($raw === false) {
        $error = curl_error($curl);
        curl_close($curl);
        throw new \RuntimeException("cannot reach $method " . parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT) . ": $error");
    }
    $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    curl_close($curl);
    $decoded = $raw === '' ? null : json_decode($raw, true);
    return [$status, is_array($decoded) ? $decoded : null];
}

function keyword_payload(string $value): array
{
    return [
        'metadata' => ['encoding' => base64_encode('json/plain'), 'type' => base64_encode('Keyword')],
        'data' => base64_encode(json_encode($value, JSON_THROW_ON_ERROR)),
    ];
}

function uuid4(): string
{
    $bytes = random_bytes(16);
    $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
    $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
    return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
}
