/** Payloads as the codec server protocol carries them: protobuf JSON, bytes in base64. */
import { type Payload } from '@temporalio/common';

export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
}

export const toPayloadJson = (payload: Payload): PayloadJson => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

export const fromPayloadJson = (json: PayloadJson): Payload => ({
  metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
  data: Buffer.from(json.data ?? '', 'base64'),
});
