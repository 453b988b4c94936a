import type { Booking } from '../domain/booking';

/**
 * What the Temporal UI shows of a case from its start (`staticSummary`, `staticDetails`): the booking reference,
 * purpose, municipality and desk, the services and the appointment. Never personal data: no name, birth date,
 * nationality, passport, e-mail or address (these are stored with the start, readable to whoever holds the codec).
 */
export function caseStartMetadata(booking: Booking): { staticSummary: string; staticDetails: string } {
  const { bookingReference, householdReference, stay, residence, appointment, services, permit } = booking;
  const staticSummary =
    `Case ${bookingReference}: ${stay.purpose}, municipality ${residence.municipalityCode}, ` +
    `desk ${appointment.location}`;
  const staticDetails = [
    `**Booking** ${bookingReference}${householdReference ? ` · **household** ${householdReference}` : ''}`,
    `**Purpose** ${stay.purpose}, ${stay.expectedMonths} months${permit ? ` · **permit route** ${permit.route}` : ''}`,
    `**Municipality** ${residence.municipalityCode} · **desk** ${appointment.location}`,
    `**Appointment** ${appointment.startsAt}`,
    `**Services** ${services.join(', ')}`,
  ].join('\n\n');
  return { staticSummary, staticDetails };
}
