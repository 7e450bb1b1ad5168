/**
 * Loaded by path (`DataConverter.failureConverterPath`) in the worker, the client and the workflow
 * bundle. Error messages and stack traces move into an encoded attributes payload, which the
 * payload codec then encrypts: a SePay error message may quote the buyer's data.
 *
 * No type annotations on purpose: the SDK loads it with a plain `require()`, which reads this file
 * as JavaScript when it runs from the sources (under vitest, with no TypeScript hook).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
