import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, type PayloadKeys } from './encryption';

/**
 * The module exporting the service's `failureConverter` (`lib/failure-converter.ts`). Workers load it for activities,
 * and every workflow bundle must be built with it too (`caseBundleOptions`): a worker given a prebuilt bundle uses the
 * bundle's converter for workflow failures and update rejections, whatever its data converter says.
 */
export const failureConverterPath = require.resolve('./failure-converter');

/**
 * The one data converter of the service. The API, the worker, the tests and the operator tools all build it
 * here, so a payload written by one is always readable by the others. With keys, every payload is encrypted, and
 * so are failure messages and stack traces.
 */
export function createDataConverter(keys?: PayloadKeys): DataConverter {
  return { payloadCodecs: keys ? [new AesGcmCodec(keys)] : [], failureConverterPath };
}
