import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of the service, loaded by path (`DataConverter.failureConverterPath`) because it must also run
 * inside the workflow bundle. A failure's message and stack trace move into its `encodedAttributes`, which the payload
 * codec encrypts like any payload: an agency's error text may name a person, and Temporal stores a failure's plain
 * fields as they are, in the history and in a pending activity's last failure. Plain failures written before this
 * converter still read, since the SDK decodes `encodedAttributes` only where a failure has them.
 *
 * No Node built-ins here: workflow code imports this module.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
