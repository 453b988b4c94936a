import { randomInt } from 'node:crypto';
import { isValidBsn } from '../domain/bsn';

/**
 * Identifiers the agencies hand out. None repeats within a process, not even across `POST /_admin/reset`, nor
 * across a restart on the same state file.
 */
export interface IdFactory {
  /** A 9-digit burgerservicenummer that passes the 11-test, first digit non-zero. */
  bsn(): string;
  registrationId(): string;
  /** `IND-` and 10 digits. */
  applicationNumber(): string;
  orderId(): string;
  /** `RV-` and 8 digits. */
  visaNumber(): string;
  /** What a restarted sandbox needs to go on without repeating an identifier. */
  snapshot(): IdSnapshot;
}

export interface IdSnapshot {
  /** The next serial number. */
  serial: number;
  issuedBsns: string[];
}

/** A fresh factory, or one that goes on from `saved`. */
export function createIdFactory(saved?: IdSnapshot): IdFactory {
  const issuedBsns = new Set<string>(saved?.issuedBsns);
  // A random start, so two sandbox processes rarely hand out the same numbers to one long-lived Temporal.
  let serial = saved?.serial ?? randomInt(10_000_000, 90_000_000);
  const next = (): number => serial++;

  return {
    bsn() {
      for (;;) {
        const candidate = randomBsn();
        if (candidate && !issuedBsns.has(candidate)) {
          issuedBsns.add(candidate);
          return candidate;
        }
      }
    },
    registrationId: () => `REG-${next()}`,
    applicationNumber: () => `IND-${String(next()).padStart(10, '0')}`,
    orderId: () => `CARD-${next()}`,
    visaNumber: () => `RV-${next()}`,
    snapshot: () => ({ serial, issuedBsns: [...issuedBsns] }),
  };
}

/** Eight random digits and the check digit that makes the 11-test pass; undefined when none exists (10). */
function randomBsn(): string | undefined {
  const digits = [randomInt(1, 10), ...Array.from({ length: 7 }, () => randomInt(0, 10))];
  const weighted = digits.reduce((sum, d, i) => sum + (9 - i) * d, 0);
  const check = weighted % 11;
  if (check === 10) return undefined;
  const bsn = [...digits, check].join('');
  return isValidBsn(bsn) ? bsn : undefined;
}
