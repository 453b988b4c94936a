import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bookingFingerprint, isSameBooking } from '../../api/booking-fingerprint';
import { canonical } from '../../api/idempotency';
import { generatePayloadKey, parsePayloadKeys } from '../../lib/encryption';
import type { Booking } from '../../domain/booking';
import { vvrBooking } from '../fixtures/bookings';

describe('api: the fingerprint a case keeps of its booking', () => {
  const keyA = generatePayloadKey('key-a');
  const keys = parsePayloadKeys(keyA);
  const booking = vvrBooking();

  it('is keyed: it names its key, holds no personal data, and is not the plain hash of the booking', () => {
    const fingerprint = bookingFingerprint(booking, 'booking-site', keys);
    assert.match(fingerprint, /^hmac-sha256:key-a:[A-Za-z0-9_-]{43}$/);
    const plain = (content: unknown) => createHash('sha256').update(canonical(content)).digest('base64url');
    assert.ok(!fingerprint.includes(plain({ booking, bookedBy: 'booking-site' })));
    assert.ok(!fingerprint.includes(plain(booking)));
    for (const value of Object.values(booking.person)) assert.ok(!fingerprint.includes(String(value)));
    const otherKey = parsePayloadKeys(generatePayloadKey('key-a'));
    assert.notEqual(bookingFingerprint(booking, 'booking-site', otherKey), fingerprint, 'another secret, another hash');
  });

  it('matches the same booking by the same booker, in any key order, and nothing else', () => {
    const bookingFingerprintOf = bookingFingerprint(booking, 'booking-site', keys);
    const started = { booking, bookedBy: 'booking-site', bookingFingerprint: bookingFingerprintOf };
    const reordered = Object.fromEntries(Object.entries(booking).reverse()) as unknown as Booking;
    assert.equal(isSameBooking(started, reordered, 'booking-site', keys), true);
    assert.equal(isSameBooking(started, booking, 'another-site', keys), false);
    const born = { ...booking, person: { ...booking.person, dateOfBirth: '1990-01-02' } };
    assert.equal(isSameBooking(started, born, 'booking-site', keys), false);
    assert.equal(isSameBooking(undefined, booking, 'booking-site', keys), false);
  });

  it('is compared by fingerprint, not by the booking the case holds', () => {
    const other = { ...booking, person: { ...booking.person, givenNames: 'Priyanka' } };
    const started = {
      booking,
      bookedBy: 'booking-site',
      bookingFingerprint: bookingFingerprint(other, 'booking-site', keys),
    };
    assert.equal(isSameBooking(started, other, 'booking-site', keys), true);
    assert.equal(isSameBooking(started, booking, 'booking-site', keys), false);
  });

  it('is checked with its own key after a rotation; with its key gone, or absent, the booking itself is compared', () => {
    const started = {
      booking,
      bookedBy: 'booking-site',
      bookingFingerprint: bookingFingerprint(booking, 'booking-site', keys),
    };
    const rotated = parsePayloadKeys(`${keyA},${generatePayloadKey('key-b')}`);
    assert.equal(isSameBooking(started, booking, 'booking-site', rotated), true);
    const other = { ...booking, bookingReference: `${booking.bookingReference}-X` };
    assert.equal(isSameBooking(started, other, 'booking-site', rotated), false);
    const withoutA = parsePayloadKeys(generatePayloadKey('key-b'));
    assert.equal(isSameBooking(started, booking, 'booking-site', withoutA), true);
    assert.equal(isSameBooking(started, other, 'booking-site', withoutA), false);
    const before = { booking, bookedBy: 'booking-site' };
    assert.equal(isSameBooking(before, booking, 'booking-site', keys), true);
    assert.equal(isSameBooking(before, booking, 'another-site', keys), false);
    assert.equal(isSameBooking({ booking }, booking, 'another-site', keys), true, 'started by hand: no booker known');
    assert.equal(isSameBooking(before, other, 'booking-site', keys), false);
  });
});
