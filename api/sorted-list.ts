import type { VisibleCase } from '../lib/temporal/visibility';
import type { PageTokens } from './page-token';
import { HttpProblem } from './problem';

/** At most this many cases are read and sorted for one list: a desk's day, a household. */
export const sortedListLimit = 1000;

/** Marks the API's own cursors among the page tokens it signs (the others are Temporal's). */
const cursorPrefix = 'sorted:';

type SortKey = [appointmentAt: string, caseId: string];

/** Earliest appointment first, then by case id; a case not yet indexed (no appointment) last. */
const keyOf = (c: VisibleCase): SortKey => [c.appointmentAt?.toISOString() ?? '~', c.caseId];
const after = (a: SortKey, b: SortKey): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/**
 * One page of a list the API sorts by appointment time. The page token is a cursor (the last case's appointment
 * and id), not an offset, so a case booked or moved between two pages shifts no other case out of the list.
 */
export function sortedPage(
  cases: VisibleCase[],
  pageSize: number,
  pageTokens: PageTokens,
  pageToken: string | undefined,
): { cases: VisibleCase[]; nextPageToken?: string } {
  const cursor = pageToken === undefined ? undefined : cursorOf(pageTokens, pageToken);
  const sorted = [...cases].sort((a, b) => (after(keyOf(a), keyOf(b)) ? 1 : after(keyOf(b), keyOf(a)) ? -1 : 0));
  const rest = cursor ? sorted.filter((c) => after(keyOf(c), cursor)) : sorted;
  const page = rest.slice(0, pageSize);
  const last = page.at(-1);
  return {
    cases: page,
    ...(rest.length > pageSize && last
      ? { nextPageToken: pageTokens.sign(Buffer.from(cursorPrefix + JSON.stringify(keyOf(last)))) }
      : {}),
  };
}

/** Whether a verified page token is one of the API's cursors (then Temporal must never see it). */
export function isCursor(raw: Uint8Array): boolean {
  return Buffer.from(raw).toString('utf8').startsWith(cursorPrefix);
}

function cursorOf(pageTokens: PageTokens, token: string): SortKey {
  const raw = pageTokens.verify(token);
  const text = raw && isCursor(raw) ? Buffer.from(raw).toString('utf8').slice(cursorPrefix.length) : undefined;
  try {
    const key = JSON.parse(text ?? 'null') as unknown;
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string')) return key as SortKey;
  } catch {
    // answered below
  }
  throw new HttpProblem(400, 'Bad Request', 'pageToken is not one this API handed out for a sorted list.');
}
