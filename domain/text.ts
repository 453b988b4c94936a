import { z } from 'zod';

/**
 * Characters that change how text shows rather than what it says: control characters but tab and line feed (an
 * escape sequence in a name rewrites an operator's terminal, a carriage return overwrites its line) and
 * text-direction marks (U+202E shows a name backwards on the day list). Global: `search` and `replace` only.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const hidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const holdsHidden = (text: string): boolean => text.search(hidden) !== -1;

/** `text` with each hidden character written as its `\u001b` escape: shown, never acted on. */
export function escapeHidden(text: string): string {
  return text.replace(hidden, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line of text (a name, a street, a document asked for): no line breaks, control characters or direction marks. */
export const lineOfText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine(
      (value) => !/[\t\n]/.test(value) && !holdsHidden(value),
      'one line, without control characters or text-direction marks',
    );

/** Text that may run over lines (a reason, a note): tabs and line breaks (CR LF too), but no other control characters. */
export const freeText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !holdsHidden(value.replace(/\r/g, '')), 'no control characters or text-direction marks');
