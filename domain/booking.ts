import { z } from 'zod';
import { isServedMunicipality } from './municipalities';
import { dateOutOfBounds } from './dates';
import { languages } from './emails';
import { freeText, lineOfText } from './text';
import {
  applicationNumberPattern,
  deskLocationMessage,
  deskLocationPattern,
  euEeaSwiss,
  hasMvv,
  isEuCitizen,
  needsSponsor,
} from './rules';

export const purposes = [
  'highly-skilled-migrant',
  'eu-blue-card',
  'researcher',
  'student',
  'family-member',
  'intra-corporate-transferee',
  'eu-citizen',
] as const;
export type Purpose = (typeof purposes)[number];

export const services = ['brp-registration', 'residence-permit', 'biometrics', 'return-visa', 'advice'] as const;
export type Service = (typeof services)[number];

/** `tev`: entry with an MVV; `vvr`: residence application without one; `none`: no permit route. */
export const permitRoutes = ['tev', 'vvr', 'none'] as const;

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

/** What the booking site sends for one person (docs/domain.md, "A case"). Shape only; intake rules are separate. */
export const BookingSchema = z.strictObject({
  bookingReference: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/, 'an opaque reference of 3-64 letters, digits and dashes'),
  householdReference: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/)
    .optional(),
  appointment: z.strictObject({
    location: z.string().regex(deskLocationPattern, deskLocationMessage),
    startsAt: isoDateTime,
  }),
  person: z.strictObject({
    givenNames: lineOfText(1, 200),
    familyName: lineOfText(1, 200),
    dateOfBirth: isoDate,
    nationality: z.string().regex(/^[A-Z]{3}$/, 'an ISO 3166-1 alpha-3 code such as IND'),
    passportNumber: z.string().regex(/^[A-Z0-9]{5,20}$/, '5-20 capital letters and digits'),
    email: z.email(),
  }),
  residence: z.strictObject({
    municipalityCode: z.string().regex(/^\d{4}$/, 'a 4-digit CBS municipality code'),
    address: z.strictObject({
      street: lineOfText(1, 200),
      houseNumber: z.number().int().positive().max(99999),
      houseNumberAddition: lineOfText(1, 10).optional(),
      postcode: z.string().regex(/^[1-9]\d{3}[A-Z]{2}$/, 'a Dutch postcode such as 6211AB'),
      city: lineOfText(1, 100),
    }),
  }),
  stay: z.strictObject({
    purpose: z.enum(purposes),
    expectedMonths: z.number().int().min(1).max(600),
  }),
  sponsor: z
    .strictObject({
      name: lineOfText(1, 200),
      recognisedSponsorNumber: z.string().regex(/^[A-Z0-9-]{3,32}$/),
    })
    .optional(),
  permit: z
    .strictObject({
      route: z.enum(permitRoutes),
      indApplicationNumber: z.string().regex(applicationNumberPattern).optional(),
      mvvIssued: z.boolean().optional(),
    })
    .optional(),
  /** The language of the newcomer's e-mails; English when absent. */
  language: z.enum(languages).optional(),
  services: z
    .array(z.enum(services))
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'services must not repeat'),
  returnVisa: z
    .strictObject({
      reason: freeText(1, 1000),
      departureDate: isoDate,
      returnDate: isoDate,
    })
    .optional(),
});
export type Booking = z.infer<typeof BookingSchema>;

/** The earliest date of birth intake takes: none who is alive was born before it. */
const oldestBirthDate = '1900-01-01';

export interface IntakeViolation {
  field: string;
  reason: string;
}

/**
 * The intake rules of docs/domain.md that need no agency: a booking that breaks one starts no case.
 * (Whether a sponsor is recognised is the IND register's call, made by the eligibility step.)
 */
export function intakeViolations(booking: Booking, now = Date.now()): IntakeViolation[] {
  const violations: IntakeViolation[] = [];
  const outOfBounds = (field: string, iso: string, what: string): void => {
    const reason = dateOutOfBounds(iso, what, now);
    if (reason) violations.push({ field, reason });
  };
  outOfBounds('appointment.startsAt', booking.appointment.startsAt, 'the appointment');
  const born = booking.person.dateOfBirth;
  if (born > new Date(now).toISOString().slice(0, 10) || born < oldestBirthDate) {
    // Not echoed: a date of birth is personal data.
    violations.push({
      field: 'person.dateOfBirth',
      reason: `the date of birth is not a possible one (between ${oldestBirthDate} and today)`,
    });
  }
  const wants = (s: Service): boolean => booking.services.includes(s);
  const euCitizen = isEuCitizen(booking);
  if (!isServedMunicipality(booking.residence.municipalityCode)) {
    violations.push({
      field: 'residence.municipalityCode',
      reason: `municipality ${booking.residence.municipalityCode} is not served by this desk (South Limburg and Echt-Susteren only)`,
    });
  }
  if (euCitizen) {
    for (const s of ['residence-permit', 'biometrics', 'return-visa'] as const) {
      if (wants(s)) violations.push({ field: 'services', reason: `EU/EEA/Swiss citizens need no ${s}` });
    }
  }
  if (!euEeaSwiss.has(booking.person.nationality) && booking.stay.purpose === 'eu-citizen') {
    violations.push({ field: 'stay.purpose', reason: 'purpose eu-citizen needs an EU/EEA/Swiss nationality' });
  }
  if (needsSponsor(booking.stay.purpose) && !booking.sponsor) {
    violations.push({ field: 'sponsor', reason: `a ${booking.stay.purpose} needs a recognised sponsor` });
  }
  if (wants('residence-permit') && (!booking.permit || booking.permit.route === 'none')) {
    violations.push({ field: 'permit.route', reason: 'a residence permit needs the route tev or vvr' });
  }
  if (booking.permit?.route === 'tev' && booking.permit.mvvIssued === undefined) {
    violations.push({ field: 'permit.mvvIssued', reason: 'route tev must say whether the MVV was issued' });
  }
  if (wants('residence-permit') && hasMvv(booking) && !booking.permit?.indApplicationNumber) {
    violations.push({
      field: 'permit.indApplicationNumber',
      reason: 'an issued MVV needs the TEV application number: IND decided that application when it issued the MVV',
    });
  }
  if (wants('residence-permit') && !hasMvv(booking) && !wants('biometrics')) {
    violations.push({
      field: 'services',
      reason: 'a residence permit without an MVV needs the biometrics service: IND makes no card without biometrics',
    });
  }
  if (wants('return-visa')) {
    if (!wants('residence-permit')) {
      violations.push({ field: 'services', reason: 'a return visa can only be asked while a first permit is pending' });
    }
    if (!booking.returnVisa) {
      violations.push({ field: 'returnVisa', reason: 'a return visa needs a reason and travel dates' });
    } else if (booking.returnVisa.returnDate <= booking.returnVisa.departureDate) {
      violations.push({ field: 'returnVisa.returnDate', reason: 'the return date must come after the departure date' });
    } else {
      outOfBounds('returnVisa.departureDate', booking.returnVisa.departureDate, 'the departure date');
      outOfBounds('returnVisa.returnDate', booking.returnVisa.returnDate, 'the return date');
    }
  }
  return violations;
}
