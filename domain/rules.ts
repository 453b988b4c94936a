import type { Booking, Purpose } from './booking';

/** An IND application number as bookings and officers give it, e.g. `IND-0000000042`. */
export const applicationNumberPattern = /^[A-Z0-9-]{3,32}$/;

/**
 * A desk's name, such as MIC-Maastricht: what a day list filters on and the `DeskLocation` search attribute holds,
 * in clear text. Words of letters and digits, joined by one space, dot or dash: no e-mail, no address with its
 * commas or slashes, no stray space that would book a desk no day list asks for. A pattern cannot tell a desk from
 * a name: which desks exist is the booking site's to know.
 */
export const deskLocationPattern = /^(?=.{1,64}$)[A-Za-z0-9]+(?:[ .-][A-Za-z0-9]+)*$/;
export const deskLocationMessage =
  'a desk location such as MIC-Maastricht (words of letters and digits joined by a space, dot or dash)';

/** EU/EEA and Swiss nationals (ISO alpha-3) need no permit, biometrics or return visa. */
export const euEeaSwiss: ReadonlySet<string> = new Set([
  'AUT',
  'BEL',
  'BGR',
  'HRV',
  'CYP',
  'CZE',
  'DNK',
  'EST',
  'FIN',
  'FRA',
  'DEU',
  'GRC',
  'HUN',
  'IRL',
  'ITA',
  'LVA',
  'LTU',
  'LUX',
  'MLT',
  'NLD',
  'POL',
  'PRT',
  'ROU',
  'SVK',
  'SVN',
  'ESP',
  'SWE',
  'ISL',
  'LIE',
  'NOR',
  'CHE',
]);

/** EU/EEA/Swiss citizens need no permit, biometrics or return visa. */
export function isEuCitizen(booking: Pick<Booking, 'stay' | 'person'>): boolean {
  return booking.stay.purpose === 'eu-citizen' || euEeaSwiss.has(booking.person.nationality);
}

/** A highly skilled migrant or researcher needs a recognised sponsor; an EU Blue Card does not. */
export function needsSponsor(purpose: Purpose): boolean {
  return purpose === 'highly-skilled-migrant' || purpose === 'researcher';
}

/** Researchers and students have the shorter legal decision term (60 days instead of 90). */
export function hasShortLegalTerm(purpose: Purpose): boolean {
  return purpose === 'researcher' || purpose === 'student';
}

/** An entry visa (MVV) was issued: the embassy took the biometrics and lawful stay is shown. */
export function hasMvv(booking: Pick<Booking, 'permit'>): boolean {
  return booking.permit?.route === 'tev' && booking.permit.mvvIssued === true;
}

/** A stay shorter than this many months is registered in the RNI (non-residents), not the BRP. */
export const minimumBrpMonths = 4;
