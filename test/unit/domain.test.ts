import assert from 'node:assert/strict';
import { BookingSchema, intakeViolations, type Booking } from '../../domain/booking';
import { isValidBsn } from '../../domain/bsn';
import { euBooking, vvrBooking } from '../fixtures/bookings';

const fields = (booking: Booking): string[] => intakeViolations(booking).map((v) => v.field);
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const returnVisa = { reason: 'a funeral abroad', departureDate: inDays(30), returnDate: inDays(44) };

describe('domain: the intake rules of a booking', () => {
  it('accepts the two fixture bookings as they are', () => {
    for (const booking of [vvrBooking(), euBooking()]) {
      assert.equal(BookingSchema.safeParse(booking).success, true);
      assert.deepEqual(intakeViolations(booking), []);
    }
  });

  it('refuses a municipality the desk does not serve, naming it', () => {
    const booking = vvrBooking();
    const [violation] = intakeViolations({ ...booking, residence: { ...booking.residence, municipalityCode: '0363' } });
    assert.equal(violation?.field, 'residence.municipalityCode');
    assert.match(violation?.reason ?? '', /0363 is not served/);
  });

  it('gives an EU citizen no permit, biometrics or return visa, and an EU purpose only to an EU national', () => {
    const asked = euBooking({ services: ['brp-registration', 'residence-permit', 'biometrics', 'return-visa'] });
    assert.deepEqual(
      intakeViolations(asked)
        .filter((v) => v.field === 'services')
        .map((v) => v.reason),
      [
        'EU/EEA/Swiss citizens need no residence-permit',
        'EU/EEA/Swiss citizens need no biometrics',
        'EU/EEA/Swiss citizens need no return-visa',
      ],
    );
    const indian = vvrBooking({ stay: { purpose: 'eu-citizen', expectedMonths: 12 }, services: ['brp-registration'] });
    assert.deepEqual(fields(indian), ['stay.purpose']);
    const swiss = euBooking({ person: { ...euBooking().person, nationality: 'CHE' } });
    assert.deepEqual(fields(swiss), []);
  });

  it('wants a sponsor for a highly skilled migrant and a researcher, and a route for a permit', () => {
    assert.deepEqual(fields(vvrBooking({ sponsor: undefined })), ['sponsor']);
    const researcher = vvrBooking({ stay: { purpose: 'researcher', expectedMonths: 24 }, sponsor: undefined });
    assert.deepEqual(fields(researcher), ['sponsor']);
    assert.deepEqual(fields(vvrBooking({ permit: { route: 'none' } })), ['permit.route']);
    assert.deepEqual(fields(vvrBooking({ permit: undefined })), ['permit.route']);
    assert.deepEqual(fields(vvrBooking({ permit: { route: 'tev' } })), ['permit.mvvIssued']);
    assert.deepEqual(fields(vvrBooking({ permit: { route: 'tev', mvvIssued: false } })), []);
    assert.deepEqual(fields(vvrBooking({ permit: { route: 'tev', mvvIssued: true } })), [
      'permit.indApplicationNumber',
    ]);
    assert.deepEqual(
      fields(vvrBooking({ permit: { route: 'tev', mvvIssued: true, indApplicationNumber: 'IND-7' } })),
      [],
    );
  });

  it('wants the biometrics service beside a permit without an MVV, since IND makes no card without them', () => {
    const noBiometrics: Booking['services'] = ['brp-registration', 'residence-permit'];
    const [violation] = intakeViolations(vvrBooking({ services: noBiometrics }));
    assert.deepEqual(violation, {
      field: 'services',
      reason: 'a residence permit without an MVV needs the biometrics service: IND makes no card without biometrics',
    });
    const tevWithoutMvv = vvrBooking({ permit: { route: 'tev', mvvIssued: false }, services: noBiometrics });
    assert.deepEqual(fields(tevWithoutMvv), ['services']);
    assert.deepEqual(fields(vvrBooking({ services: ['brp-registration', 'advice'] })), []);
  });

  it('grants a return visa only beside a pending permit, with dates in order', () => {
    const services: Booking['services'] = ['brp-registration', 'residence-permit', 'biometrics', 'return-visa'];
    assert.deepEqual(fields(vvrBooking({ services, returnVisa })), []);
    assert.deepEqual(fields(vvrBooking({ services })), ['returnVisa']);
    assert.deepEqual(fields(vvrBooking({ services: ['brp-registration', 'return-visa'], returnVisa })), ['services']);
    const backwards = { ...returnVisa, returnDate: returnVisa.departureDate };
    assert.deepEqual(fields(vvrBooking({ services, returnVisa: backwards })), ['returnVisa.returnDate']);
  });
});

describe('domain: the BSN 11-test', () => {
  it('accepts numbers that pass it, and refuses the rest', () => {
    for (const bsn of ['111222333', '123456782']) assert.equal(isValidBsn(bsn), true, bsn);
    for (const bsn of ['123456789', '000000000', '12345678', '1234567820', '12345678a', ' 11122233']) {
      assert.equal(isValidBsn(bsn), false, bsn);
    }
  });

  it('refuses a date of birth in the future or before 1900, without repeating it', () => {
    const born = (dateOfBirth: string) => {
      const booking = vvrBooking();
      return intakeViolations({ ...booking, person: { ...booking.person, dateOfBirth } });
    };
    for (const impossible of ['2999-01-01', '0001-01-01', '1899-12-31']) {
      assert.deepEqual(born(impossible), [
        {
          field: 'person.dateOfBirth',
          reason: 'the date of birth is not a possible one (between 1900-01-01 and today)',
        },
      ]);
    }
    assert.deepEqual(born('1900-01-01'), []);
    assert.deepEqual(born('1991-04-12'), []);
  });

  it('refuses an appointment or a return trip outside a year from today, naming the field and the date', () => {
    const at = (startsAt: string) => vvrBooking({ appointment: { location: 'MIC-Maastricht', startsAt } });
    assert.deepEqual(intakeViolations(at('9999-12-31T23:59:00Z')), [
      { field: 'appointment.startsAt', reason: 'the appointment (9999-12-31T23:59:00Z) is more than a year ahead' },
    ]);
    assert.deepEqual(intakeViolations(at('0001-01-01T00:00:00Z')), [
      { field: 'appointment.startsAt', reason: 'the appointment (0001-01-01T00:00:00Z) is in the past' },
    ]);
    assert.deepEqual(fields(at(new Date(Date.now() + 360 * 86_400_000).toISOString())), []);
    const trip = { ...returnVisa, returnDate: '9999-01-01' };
    assert.deepEqual(
      fields(vvrBooking({ services: ['residence-permit', 'biometrics', 'return-visa'], returnVisa: trip })),
      ['returnVisa.returnDate'],
    );
  });
});
