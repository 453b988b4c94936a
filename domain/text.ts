import { z } from 'zod';

/**
 * Characters that change how text shows rather than what it says: control characters (an escape sequence in a
 * name rewrites an operator's terminal) and text-direction marks (U+202E shows a name backwards on the day list).
 */
const hiddenInLines =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const hiddenInLine = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** One line of text (a name, a street, a document asked for): no line breaks, control characters or direction marks. */
export const lineOfText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !hiddenInLine.test(value), 'one line, without control characters or text-direction marks');

/** Text that may run over lines (a reason, a note): tabs and line breaks, but no other control characters. */
export const freeText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !hiddenInLines.test(value), 'no control characters or text-direction marks');
