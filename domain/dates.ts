const day = 86_400_000;

/** How far ahead a date may be set: appointments, documents due dates, return trips. */
export const maxAheadMs = 366 * day;

/**
 * Why a date the booking site or an officer sets is out of bounds, or undefined. Bounds keep every clock and
 * search attribute of the case in range: a year-9999 appointment once made its own case unable to run.
 * `earliest` is the first moment allowed (default: the start of today on the desk's clock, so an appointment
 * earlier today passes and yesterday's, a no-show the moment it is booked, does not).
 */
export function dateOutOfBounds(
  iso: string,
  what: string,
  now: number,
  earliest = deskDayBounds(deskDateOf(now)).from.getTime(),
): string | undefined {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return `${what} is not a date`;
  if (at < earliest) return `${what} (${iso}) is in the past`;
  if (at > now + maxAheadMs) return `${what} (${iso}) is more than a year ahead`;
  return undefined;
}

/** The desks of this service are in South Limburg: a "day" of appointments is a day on their clock. */
export const deskTimeZone = 'Europe/Amsterdam';

/** The first day a day list may ask for: the one-stop desk opened in 2020. */
export const firstDeskDay = '2020-01-01';

/** The day (`YYYY-MM-DD`) on the desk's clock at `at`. */
export function deskDateOf(at: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: deskTimeZone }).format(new Date(at));
}

/** Minutes the desk's clock is ahead of UTC at `at` (60 in winter, 120 in summer). */
function deskOffsetMinutes(at: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: deskTimeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(at));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  return Math.round((local - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/** Midnight of a desk day (`YYYY-MM-DD`) as an instant; DST days are 23 or 25 hours long. */
function deskMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at local midnight is the offset one offset-guess earlier; twice settles the DST edge.
  const first = utcMidnight - deskOffsetMinutes(utcMidnight) * 60_000;
  return utcMidnight - deskOffsetMinutes(first) * 60_000;
}

/** A time on the desk's clock (`YYYY-MM-DDTHH:mm`, as a form's date-time field sends it) as an instant. */
export function deskLocalTime(local: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  const asUtc = Date.parse(`${local}:00Z`);
  if (Number.isNaN(asUtc)) return undefined;
  const first = asUtc - deskOffsetMinutes(asUtc) * 60_000;
  return new Date(asUtc - deskOffsetMinutes(first) * 60_000);
}

/** The instants `[from, to)` of a day (`YYYY-MM-DD`) on the desk's clock. */
export function deskDayBounds(date: string): { from: Date; to: Date } {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + day).toISOString().slice(0, 10);
  return { from: new Date(deskMidnight(date)), to: new Date(deskMidnight(next)) };
}

/** Why a day list's date is out of bounds, or undefined: from the desk's opening to the furthest bookable day. */
export function deskDayOutOfBounds(date: string, now = Date.now()): string | undefined {
  if (date < firstDeskDay) return `${date} is before the desk opened (${firstDeskDay})`;
  const last = new Date(now + maxAheadMs + day).toISOString().slice(0, 10);
  if (date > last) return `${date} is after the last day an appointment can be booked (${last})`;
  return undefined;
}

/** `date` (YYYY-MM-DD) plus `months`, clamped to the end of a shorter month: 30 November + 3 = 28/29 February. */
export function addMonths(date: string, months: number): string {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1 + months, Math.min(dayOfMonth, lastDay))).toISOString().slice(0, 10);
}

/** A return visa is valid at most this many months from its issue (docs/domain.md). */
export const returnVisaMaxMonths = 3;

/**
 * The last day a return visa issued at `now` may be valid: the case's setting, within the legal 3 months.
 * YYYY-MM-DD.
 */
export function returnVisaLatestDay(now: number, maxValidityMs: number): string {
  const bySetting = new Date(now + maxValidityMs).toISOString().slice(0, 10);
  const byLaw = addMonths(new Date(now).toISOString().slice(0, 10), returnVisaMaxMonths);
  return bySetting < byLaw ? bySetting : byLaw;
}
