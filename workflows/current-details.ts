import type { Booking } from '../domain/booking';
import type { CaseSnapshot } from './case-view';
import { cardNotCollected, type DeadlineView, type StepView } from './definitions';
import { deadlineLabel, readableDuration } from './summaries';

/**
 * Waits on a person that have no clock of their own: the person norm (`personNormMs`) watches them and flags
 * `PersonOverdue`. Left out because a clock of their own flags them: `desk:check-in` (no-show), `ind:decision`
 * (legal term), `ind:card` (card ready norm), `desk:card-hand-over` (escalation to `operator:card`),
 * `newcomer:documents` (due date), `booking-site:reschedule` (reschedule window).
 */
export const personWaits = [
  'desk:identity',
  'desk:address',
  'ind:biometrics',
  'ind:embassy-prints',
  'ind:return-visa',
  'expat:advice',
] as const;

/** An agency whose calls keep failing for this case (`AgencyRetrying`). */
export interface AgencyTrouble {
  agency: string;
  /** When the earliest of the agency's calls still failing began. */
  since: string;
  /** Temporal's last failed attempt, once the case has read it. */
  lastError?: { message: string; attempt: number; at?: string };
}

/** A wait on a person past the person norm. */
export interface Overdue {
  waitingOn: string;
  since: string;
  normMs: number;
}

const who: Record<string, string> = {
  desk: 'the desk',
  ind: 'the IND officers',
  expat: 'the Expat Centre',
  newcomer: 'the newcomer',
  'booking-site': 'the booking site',
};

/** Deadlines whose breach an operator escalates, and to whom. */
const escalateTo: Record<string, string> = {
  'ind-decision-legal-term': 'IND',
  'ind-decision-sponsor-target': 'IND',
  'bsn-service-norm': 'the municipality',
  'card-ready-service-norm': 'IND',
};

/** `2026-11-30T12:03:10.000Z` → `2026-11-30 12:03 UTC`. */
export function readableTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

const longest = 300;

/** A value's characters with any spaces, dots or dashes between them: `6211AX` matches `6211 ax`, `C01X 00T47`. */
function loosely(value: string): string {
  return [...value].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s.-]?');
}

const monthNames: readonly (readonly string[])[] = [
  ['january', 'januari', 'jan'],
  ['february', 'februari', 'feb'],
  ['march', 'maart', 'mar', 'mrt'],
  ['april', 'apr'],
  ['may', 'mei'],
  ['june', 'juni', 'jun'],
  ['july', 'juli', 'jul'],
  ['august', 'augustus', 'aug'],
  ['september', 'sept', 'sep'],
  ['october', 'oktober', 'oct', 'okt'],
  ['november', 'nov'],
  ['december', 'dec'],
];

/**
 * The ways people write a birth date `1994-09-03`: 03-09-1994, 03/09/1994, 3.9.1994, 19940903, 03/09/94, 09/03/94
 * (American), 3 september 1994, Sep 3, 1994, 3 sept. 94 ...
 */
function birthDateSpellings(iso: string): string[] {
  const [year, month, day] = iso.split('-');
  if (!year || !month || !day) return [iso];
  const d = `0?${Number(day)}`;
  const m = `0?${Number(month)}`;
  const y = `(?:${year.slice(0, 2)})?${year.slice(2)}`;
  const names = `(?:${(monthNames[Number(month) - 1] ?? []).join('|')})\\.?`;
  const sep = '[-/. ]';
  return [
    `${year}${month}${day}`,
    `${day}${month}${year}`,
    `${d}${sep}${m}${sep}${y}`,
    `${m}${sep}${d}${sep}${y}`,
    `${year}${sep}${m}${sep}${d}`,
    `${d}(?:st|nd|rd|th|e)?\\s*${names}\\s*,?\\s*${y}`,
    `${names}\\s*${d}(?:st|nd|rd|th)?\\s*,?\\s*${y}`,
  ].map((pattern) => `(?<![\\d\\p{L}])${pattern}(?![\\d\\p{L}])`);
}

/** Name particles, not names: blanking every "van" or "de" of a text would blank the text, not the person. */
const particles = new Set([
  'van',
  'de',
  'der',
  'den',
  'het',
  'ten',
  'ter',
  'te',
  'la',
  'le',
  'du',
  'di',
  'da',
  'von',
  'del',
  'dos',
  'das',
  'el',
  'al',
  'bin',
  'ibn',
  'y',
]);

/** A word as letters alone: no accents, one case, ß as ss, so `Müller`, `MULLER` and a decomposed `Müller` are one. */
function foldedWord(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/[øœ]/g, (c) => (c === 'ø' ? 'o' : 'oe'))
    .replace(/ł/g, 'l')
    .replace(/đ/g, 'd')
    .replace(/æ/g, 'ae')
    .replace(/þ/g, 'th');
}

/** The words of the newcomer's names and street, folded: each is blanked wherever it stands as a word. */
function nameWords(booking: Booking): Set<string> {
  const { person, residence } = booking;
  return new Set(
    [person.givenNames, person.familyName, residence.address.street]
      .flatMap((value) => value.split(/[^\p{L}\p{M}]+/u))
      .map(foldedWord)
      .filter((word) => word.length >= 2 && !particles.has(word)),
  );
}

/** A nine-digit number passing the BSN eleven-test (`123456782`, also written `1234.56.782`). */
function isBsn(digits: string): boolean {
  const sum = [...digits].reduce((total, d, i) => total + Number(d) * (i === 8 ? -1 : 9 - i), 0);
  return digits.length === 9 && sum % 11 === 0;
}

const blank = '[personal data]';

/**
 * Text from outside the case's code (an agency's error, a step's detail) with every piece of the booking's personal
 * data blanked: the current details must never show it, whatever an agency puts in its answer, however it spells it
 * (any case of letters, a postcode or passport number with spaces, a birth date in Dutch order). Whatever looks like
 * someone's personal data goes too, even when it is not this booking's: any e-mail address, any number passing the
 * BSN eleven-test (a BRP error may name the BSN before the case has it).
 */
export function withoutPersonalData(text: string, booking: Booking, results: Readonly<Record<string, string>>): string {
  const { person, residence } = booking;
  const words = [
    person.givenNames,
    ...person.givenNames.split(/\s+/),
    person.familyName,
    person.email,
    residence.address.street,
    ...(booking.sponsor ? [booking.sponsor.name] : []),
  ].filter((value) => value.length >= 3);
  const codes = [person.passportNumber, residence.address.postcode, ...(results.bsn ? [results.bsn] : [])];
  const patterns = [
    ...[...new Set(words)].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    ...codes.map(loosely),
    ...birthDateSpellings(person.dateOfBirth),
  ];
  let clean = text.replace(/[^\s@()<>,;:"'[\]]+@[^\s@()<>,;:"'[\]]+\.[a-z]{2,}/gi, blank);
  for (const pattern of patterns) clean = clean.replace(new RegExp(pattern, 'giu'), blank);
  // Any spelling of a name's words: other case, no accents, decomposed, ß as SS, parts in another order.
  const names = nameWords(booking);
  clean = clean.replace(/[\p{L}\p{M}]+/gu, (word) => (names.has(foldedWord(word)) ? blank : word));
  clean = clean.replace(/(?<!\d)(\d{4})[\s.]?(\d{2})[\s.]?(\d{3})(?!\d)/g, (number, a: string, b: string, c: string) =>
    isBsn(`${a}${b}${c}`) ? blank : number,
  );
  return clean.length > longest ? `${clean.slice(0, longest)}…` : clean;
}

function problems(s: CaseSnapshot): string[] {
  const clean = (text: string): string => withoutPersonalData(text, s.booking, s.results);
  const lines: string[] = [];
  for (const trouble of s.agencyTrouble ?? []) {
    const agency = trouble.agency.toUpperCase();
    const last = trouble.lastError
      ? ` Last error (attempt ${trouble.lastError.attempt}${trouble.lastError.at ? `, ${readableTime(trouble.lastError.at)}` : ''}): ${clean(trouble.lastError.message)}.`
      : '';
    const handOver = s.retryMaxMs ? ` after ${readableDuration(s.retryMaxMs)} of failures` : '';
    // Steps whose failing call an operator may stop: each waits on this agency (cases since the patch).
    const stoppable = s.steps
      .filter((x) => s.stepsWithFailingCalls?.includes(x.name) && x.waitingOn === `agency:${trouble.agency}`)
      .map((x) => x.name);
    const now = stoppable.map(
      (step) =>
        ` Once it answers, \`npm run cases -- retry ${s.caseId} ${step}\` calls at once, not at Temporal's next retry; ` +
        `\`npm run cases -- skip ${s.caseId} ${step} <reason>\` stops the call.`,
    );
    lines.push(
      `**Problem:** ${agency} calls failing since ${readableTime(trouble.since)}; Temporal retries them with back-off.${last} ` +
        `**Next:** check ${agency}; the case goes on by itself when it answers again${handOver ? `, and waits on an operator${handOver}` : ''}.${now.join('')}`,
    );
  }
  for (const step of s.steps.filter((x) => x.state !== 'done' && x.waitingOn?.startsWith('operator:'))) {
    const since = s.waitingSince?.[step.name];
    // The card waits on an operator when nobody collected it, and when IND kept refusing to order it.
    const next =
      step.name === 'card' && step.detail?.startsWith(cardNotCollected)
        ? `\`npm run cases -- skip ${s.caseId} card <reason>\` (it ends not-collected)`
        : `\`npm run cases -- retry ${s.caseId} ${step.name}\` once the cause is fixed, or ` +
          `\`npm run cases -- skip ${s.caseId} ${step.name} <reason>\``;
    lines.push(
      `**Problem:** the ${step.name} step waits on an operator${since ? ` since ${readableTime(since)}` : ''}` +
        `${step.detail ? `: ${clean(step.detail)}` : ''}. **Next:** ${next}.`,
    );
  }
  for (const d of s.deadlines.filter((x) => x.state === 'breached' && escalateTo[x.name])) {
    lines.push(
      `**Problem:** ${deadlineLabel(d.name)} breached on ${readableTime(d.dueAt)} (SlaBreached). ` +
        `**Next:** escalate to ${escalateTo[d.name]}.`,
    );
  }
  for (const o of s.overdue ?? []) {
    const person = who[o.waitingOn.split(':')[0] ?? ''] ?? 'the desk';
    lines.push(
      `**Problem:** waiting on ${o.waitingOn} since ${readableTime(o.since)}, past the norm of ${readableDuration(o.normMs)} ` +
        `(PersonOverdue). **Next:** call ${person}, or reassign.`,
    );
  }
  return lines;
}

function stepLine(step: StepView, s: CaseSnapshot): string {
  const since = s.waitingSince?.[step.name];
  if (step.state === 'done') return `- ${step.name}: ${step.outcome ?? 'done'}`;
  if (step.state === 'not-wanted') return `- ${step.name}: not wanted`;
  const on = step.waitingOn ? ` on ${step.waitingOn}` : '';
  const detail = step.detail ? ` (${withoutPersonalData(step.detail, s.booking, s.results)})` : '';
  return `- ${step.name}: ${step.state}${on}${since ? ` since ${readableTime(since)}` : ''}${detail}`;
}

function nextDeadline(deadlines: readonly DeadlineView[]): DeadlineView | undefined {
  return [...deadlines].filter((d) => d.state === 'running').sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
}

/**
 * The case in words, for the Temporal UI's "current details" (markdown): its status, what it waits on and since
 * when, its next deadline, and a problem line with what to do for each way it can be stuck. Never personal data:
 * references, codes, step names and outcomes, times; text from outside the code goes through `withoutPersonalData`.
 */
export function currentDetails(s: CaseSnapshot): string {
  const b = s.booking;
  const header = `Booking ${b.bookingReference} · ${b.stay.purpose} · municipality ${b.residence.municipalityCode} · desk ${s.appointment.location}`;
  if (s.status !== 'open') {
    const outcome = s.outcome ? withoutPersonalData(s.outcome, b, s.results) : s.status;
    return [`**Case ${s.status}.** ${outcome}`, '', header, '', ...s.steps.map((x) => stepLine(x, s))].join('\n');
  }
  const lines = problems(s);
  const waits = s.steps
    .filter((x) => x.state !== 'done' && x.waitingOn)
    .map((x) => `${x.waitingOn}${s.waitingSince?.[x.name] ? ` since ${readableTime(s.waitingSince[x.name]!)}` : ''}`);
  const next = nextDeadline(s.deadlines);
  return [
    ...(lines.length > 0 ? [...lines, ''] : []),
    `**Case open**, ${waits.length > 0 ? `waiting on ${[...new Set(waits)].join(', ')}` : 'waiting on nothing'}.`,
    '',
    next
      ? `**Next deadline:** ${deadlineLabel(next.name)}, due ${readableTime(next.dueAt)}.`
      : '**Next deadline:** none running.',
    '',
    header,
    '',
    ...s.steps.map((x) => stepLine(x, s)),
  ].join('\n');
}

/** What fell short in a completed case: the wanted steps that did not end as asked. */
const asAsked = new Set([
  'eligible',
  'granted',
  'verified',
  'registered',
  'referred-to-rni',
  'accepted',
  'embassy-prints',
  'not-needed',
  'handed-over',
  'issued',
  'given',
  'declined',
  'not-wanted',
]);

/** Whether a step's outcome is what the newcomer asked for (or an equally good end), for `CaseOutcome`. */
export const endedAsAsked = (outcome: string): boolean => asAsked.has(outcome);

/** `CaseOutcome`: how the case ended, by step names and outcomes only; undefined while it is open. */
export function caseOutcome(s: Pick<CaseSnapshot, 'status' | 'steps'>): string | undefined {
  if (s.status === 'open') return undefined;
  if (s.status === 'closed-no-show') return 'no-show';
  if (s.status !== 'completed') return s.status;
  const short = s.steps.filter((x) => x.state === 'done' && x.outcome && !endedAsAsked(x.outcome));
  return short.length === 0 ? 'completed' : `completed: ${short.map((x) => `${x.name} ${x.outcome}`).join(', ')}`;
}
