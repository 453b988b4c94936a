const day = 86_400_000;

/** How far ahead a date may be set: appointments, documents due dates, return trips. */
export const maxAheadMs = 366 * day;

/**
 * Why a date the booking site or an officer sets is out of bounds, or undefined. Bounds keep every clock and
 * search attribute of the case in range: a year-9999 appointment once made its own case unable to run.
 * `earliest` is the first moment allowed (default: one day before `now`, so today's appointments pass).
 */
export function dateOutOfBounds(iso: string, what: string, now: number, earliest = now - day): string | undefined {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return `${what} is not a date`;
  if (at < earliest) return `${what} (${iso}) is in the past`;
  if (at > now + maxAheadMs) return `${what} (${iso}) is more than a year ahead`;
  return undefined;
}
