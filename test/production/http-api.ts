/**
 * The calls of README "Other languages" (docs/other-languages.md, "Over HTTP (curl)") against a
 * frontend's HTTP API, with payloads encrypted through the codec server as an HTTP caller does
 * when the workers require encryption: start, query, signal, update, the result by long-polling
 * the close event, describe.
 */
import { randomUUID } from 'node:crypto';

export interface HttpApi {
  /** http://host:port of the frontend's HTTP API. */
  httpAddress: string;
  namespace: string;
  codecServerUrl: string;
  codecToken: string;
}

interface Payload {
  metadata: Record<string, string>;
  data: string;
}

const JSON_PLAIN = Buffer.from('json/plain').toString('base64');

export class HttpInvoiceCaller {
  constructor(private readonly api: HttpApi) {}

  private get base(): string {
    return `${this.api.httpAddress}/api/v1/namespaces/${this.api.namespace}`;
  }

  private async codec(operation: 'encode' | 'decode', payloads: Payload[]): Promise<Payload[]> {
    const response = await fetch(`${this.api.codecServerUrl}/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.api.codecToken}` },
      body: JSON.stringify({ payloads }),
    });
    if (!response.ok) throw new Error(`codec server ${operation}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { payloads: Payload[] }).payloads;
  }

  async payload(value: unknown): Promise<Payload> {
    const [encoded] = await this.codec('encode', [{ metadata: { encoding: JSON_PLAIN }, data: Buffer.from(JSON.stringify(value)).toString('base64') }]);
    return encoded!;
  }

  async decode(payloads: Payload[]): Promise<unknown[]> {
    return (await this.codec('decode', payloads)).map((payload) => JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as unknown);
  }

  /** Every call answers JSON; a non-2xx status is thrown with its body. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    // ?noPayloadShorthand: payloads stay in their full form (encrypted ones have no shorthand).
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(`${this.base}${path}${separator}noPayloadShorthand`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  async start(key: string, input: unknown, taskQueue: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/workflows/invoice-${key}`, {
      workflowType: { name: 'issueInvoiceWorkflow' },
      taskQueue: { name: taskQueue },
      input: { payloads: [await this.payload(input)] },
      workflowIdConflictPolicy: 'WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING',
      workflowIdReusePolicy: 'WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY',
      requestId: randomUUID(),
    });
  }

  async query(key: string): Promise<unknown> {
    const answer = await this.call('POST', `/workflows/invoice-${key}/query/getInvoiceStatus`, { query: { queryType: 'getInvoiceStatus' } });
    const [status] = await this.decode((answer.queryResult as { payloads: Payload[] }).payloads);
    return status;
  }

  async signal(key: string, name: 'approveIssuance' | 'cancelInvoice', argument: unknown): Promise<void> {
    await this.call('POST', `/workflows/invoice-${key}/signal/${name}`, { input: { payloads: [await this.payload(argument)] } });
  }

  /** requestCancellation as an Update, waiting until it completed: its outcome, decoded. */
  async requestCancellation(key: string, reason: string): Promise<unknown> {
    const answer = await this.call('POST', `/workflows/invoice-${key}/update/requestCancellation`, {
      waitPolicy: { lifecycleStage: 'UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED' },
      request: { meta: { updateId: `cancel-${key}-1` }, input: { args: { payloads: [await this.payload({ reason })] } } },
    });
    const outcome = answer.outcome as { success?: { payloads: Payload[] }; failure?: { message: string } } | undefined;
    if (!outcome?.success) throw new Error(`requestCancellation answered ${JSON.stringify(answer)}`);
    const [decoded] = await this.decode(outcome.success.payloads);
    return decoded;
  }

  /** The run's result: the close event, long-polled (asked again after each empty long poll). */
  async result(key: string, timeoutMs = 120_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    let pageToken: string | undefined;
    while (Date.now() < deadline) {
      const query = `waitNewEvent=true&historyEventFilterType=HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT${pageToken ? `&nextPageToken=${encodeURIComponent(pageToken)}` : ''}`;
      const answer = await this.call('GET', `/workflows/invoice-${key}/history?${query}`);
      const events = (answer.history as { events?: Record<string, unknown>[] } | undefined)?.events ?? [];
      const completed = events.find((event) => event.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      if (completed) {
        const attributes = completed.workflowExecutionCompletedEventAttributes as { result: { payloads: Payload[] } };
        const [result] = await this.decode(attributes.result.payloads);
        return result;
      }
      if (events.length > 0) throw new Error(`invoice-${key} closed without completing: ${JSON.stringify(events[0])}`);
      pageToken = (answer.nextPageToken as string | undefined) || undefined;
    }
    throw new Error(`invoice-${key}: no close event within ${timeoutMs} ms`);
  }

  async describe(key: string): Promise<Record<string, unknown>> {
    return this.call('GET', `/workflows/invoice-${key}`);
  }
}
