import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, type PayloadKeys } from './encryption';

/**
 * The one data converter of the service. The API, the worker, the tests and the operator tools all build it
 * here, so a payload written by one is always readable by the others. With keys, every payload is encrypted.
 */
export function createDataConverter(keys?: PayloadKeys): DataConverter {
  return { payloadCodecs: keys ? [new AesGcmCodec(keys)] : [] };
}
