import type { DataConverter, PayloadCodec } from '@temporalio/common';

export interface DataConverterOptions {
  /** Codecs applied to every payload, outermost last (encryption plugs in here). */
  codecs?: PayloadCodec[];
}

/**
 * The one data converter of the service. The API, the worker, the tests and the operator tools all build it
 * here, so a payload written by one is always readable by the others.
 */
export function createDataConverter(options: DataConverterOptions = {}): DataConverter {
  return { payloadCodecs: options.codecs ?? [] };
}
