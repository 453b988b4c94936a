/**
 * The objection (bezwaar) term against an IND decision: 4 weeks (Aliens Act 2000, art. 69), from the day after
 * the decision was made known (General Administrative Law Act, art. 6:8), so its last day is the decision's date
 * plus 28 days. A last day on a Saturday, a Sunday or a recognised holiday moves to the next day that is none
 * of them (General Time Limits Act, art. 1 and 3). Dates are Dutch calendar dates (Europe/Amsterdam).
 */
export const objectionTerm = { weeks: 4, law: 'Aliens Act 2000, art. 69' } as const;

const dayMs = 86_400_000;

/** The calendar date in the Netherlands of an instant, as YYYY-MM-DD. */
export function dutchDate(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** The last day (YYYY-MM-DD) on which an objection against a decision made known at `decidedAt` is in time. */
export function objectionLastDay(decidedAt: Date): string {
  let day = Date.parse(`${dutchDate(decidedAt)}T00:00:00Z`) + objectionTerm.weeks * 7 * dayMs;
  while (!isWorkingDay(new Date(day))) day += dayMs;
  return new Date(day).toISOString().slice(0, 10);
}

/** What a refusal e-mail says of the objection term; the reason is the deciding officer's or IND's own. */
export function refusalDetails(reason: string | undefined, decidedAt: Date): Record<string, string> {
  return {
    reason: reason ?? 'given in the decision letter IND sends you',
    objectionTerm: `${objectionTerm.weeks} weeks (${objectionTerm.law})`,
    objectionLastDay: objectionLastDay(decidedAt),
  };
}

function isWorkingDay(date: Date): boolean {
  const weekday = date.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !recognisedHolidays(date.getUTCFullYear()).has(iso(date));
}

const iso = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * Days the Crown assimilates to holidays, a few years at a time (Besluit gelijkstelling van 2 januari 2026,
 * 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag). Add the next decree's.
 */
const assimilatedByDecree = new Set(['2026-01-02', '2026-05-15', '2027-05-07', '2028-04-28', '2028-05-26']);

/**
 * The General Time Limits Act's holidays of a year (art. 3): New Year's Day, Good Friday (para. 2), Easter
 * Monday, King's Day (27 April, the 26th when the 27th is a Sunday), 5 May, Ascension Day, Whit Monday, both
 * Christmas days, and the days assimilated by decree.
 */
function recognisedHolidays(year: number): Set<string> {
  const easter = easterSunday(year);
  const fromEaster = (days: number): string => iso(new Date(easter + days * dayMs));
  const kingsDay = new Date(Date.UTC(year, 3, 27)).getUTCDay() === 0 ? 26 : 27;
  return new Set([
    `${year}-01-01`,
    fromEaster(-2),
    fromEaster(1),
    `${year}-04-${kingsDay}`,
    `${year}-05-05`,
    fromEaster(39),
    fromEaster(50),
    `${year}-12-25`,
    `${year}-12-26`,
    ...[...assimilatedByDecree].filter((day) => day.startsWith(`${year}-`)),
  ]);
}

/** Easter Sunday of a Gregorian year (the anonymous algorithm of Meeus/Jones/Butcher), as UTC midnight in ms. */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}
