import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Booking } from '../domain/booking';
import type { PayloadKeys } from '../lib/encryption';
import type { NewcomerCaseInput } from '../workflows/definitions';
import { canonical } from './idempotency';

const scheme = 'hmac-sha256';

/**
 * A payload key's own key for fingerprints (HKDF): a fingerprint reveals nothing of the encryption key, and
 * without the key a BSN, birth date or passport number cannot be tried against it one guess at a time.
 */
function fingerprintKey(payloadKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', payloadKey, Buffer.alloc(0), 'one-stop-shop booking fingerprint', 32));
}

/**
 * The fingerprint a case keeps of the booking it started from (`NewcomerCaseInput.bookingFingerprint`), so a
 * repeated booking is compared without asking the case for the booking itself: `hmac-sha256:<keyId>:<mac>`
 * of the booking and who booked it, under the current payload key. The key id travels along, so a fingerprint
 * taken before a key rotation is checked with its own key.
 */
export function bookingFingerprint(booking: Booking, bookedBy: string | undefined, keys: PayloadKeys): string {
  return fingerprintWith(keys.currentKeyId, keys.keys.get(keys.currentKeyId)!, booking, bookedBy);
}

function fingerprintWith(keyId: string, key: Buffer, booking: Booking, bookedBy: string | undefined): string {
  // A JSON round trip first: the stored booking lost its `undefined` fields on the way through Temporal.
  const content = canonical({ booking: JSON.parse(JSON.stringify(booking)) as unknown, bookedBy: bookedBy ?? null });
  return `${scheme}:${keyId}:${createHmac('sha256', fingerprintKey(key)).update(content).digest('base64url')}`;
}

/**
 * Whether `booking` by `bookedBy` is the booking the case started from. Compared by fingerprint; a case started
 * before cases kept one (or by hand, or whose fingerprint key was removed from PAYLOAD_KEYS) is compared with the
 * booking of its input instead, as it was before.
 */
export function isSameBooking(
  started: NewcomerCaseInput | undefined,
  booking: Booking,
  bookedBy: string,
  keys: PayloadKeys | undefined,
): boolean {
  if (!started) return false;
  const [kind, keyId = '', mac] = started.bookingFingerprint?.split(':') ?? [];
  const key = keys?.keys.get(keyId);
  if (kind === scheme && mac && key) {
    const expected = Buffer.from(fingerprintWith(keyId, key, booking, bookedBy));
    const stored = Buffer.from(started.bookingFingerprint!);
    return expected.length === stored.length && timingSafeEqual(expected, stored);
  }
  const sameBooker = started.bookedBy === undefined || started.bookedBy === bookedBy;
  return sameBooker && isDeepStrictEqual(normalise(started.booking), normalise(booking));
}

/** JSON round trip: the stored booking lost `undefined` fields on the way through Temporal. */
function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
