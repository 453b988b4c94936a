import { condition } from '@temporalio/workflow';
import { agencyFailure } from '../../domain/agency-failures';
import type { AgencyProxies } from '../agencies';
import { refusalType, skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';
import { runDeadline } from '../deadlines';
import type { Notifier } from '../notifications';

/** A stay shorter than this is registered in the RNI (non-residents), not the BRP. */
const minimumBrpMonths = 4;

/** Lawful stay is shown by EU citizenship, an MVV, a granted permit, or a pending first permit without MVV. */
function lawfulStay(c: CaseState): 'shown' | 'not-shown' | 'unknown' {
  if (c.euCitizen || c.hasMvv) return 'shown';
  if (c.permit.status === 'pending' || c.permit.status === 'granted') return 'shown';
  if (!c.wants('residence-permit') || c.permitDecided || c.done('permit')) return 'not-shown';
  return 'unknown';
}

/**
 * BRP first registration in the municipality of residence, once the newcomer is checked in and lawful stay is
 * shown. An address the municipality rejects goes to a desk officer (accept, refer to RNI, refuse).
 */
export async function brpStep(c: CaseState, agencies: AgencyProxies, notifier: Notifier): Promise<void> {
  if (!c.wants('brp-registration')) return c.finish('brp', 'not-wanted');
  c.setStep('brp', { state: 'blocked', detail: 'waits for check-in and lawful stay' });
  await condition(() => (c.checkInSettled || c.done('check-in')) && lawfulStay(c) !== 'unknown');
  if (c.checkIn !== 'verified') return c.finish('brp', 'not-possible', 'identity not verified at check-in');
  if (lawfulStay(c) === 'not-shown') return c.finish('brp', 'refused', 'no lawful stay shown');
  if (c.booking.stay.expectedMonths < minimumBrpMonths) {
    return c.finish('brp', 'referred-to-rni', `a stay of under ${minimumBrpMonths} months is registered in the RNI`);
  }

  const bsnNorm = runDeadline(c, 'bsn-service-norm', c.settings.bsnNormMs, { until: () => c.done('brp') });
  let addressVerifiedByOfficer = false;
  for (;;) {
    try {
      const registration = await withAgency(
        c,
        'brp',
        'brp',
        () =>
          agencies.brp.registerInBrp({
            caseId: c.caseId,
            municipalityCode: c.booking.residence.municipalityCode,
            person: c.booking.person,
            address: c.booking.residence.address,
            expectedMonths: c.booking.stay.expectedMonths,
            ...(addressVerifiedByOfficer ? { addressVerifiedByOfficer } : {}),
          }),
        [agencyFailure.addressRejected],
      );
      if (registration === skipped) c.finish('brp', 'skipped', c.skipRequests.get('brp'));
      else {
        c.results.bsn = registration.bsn;
        c.finish('brp', 'registered');
        notifier.send('brp-registered', { municipality: c.booking.residence.municipalityCode });
      }
      break;
    } catch (err) {
      if (refusalType(err) !== agencyFailure.addressRejected) throw err;
      c.addressDecision = undefined;
      const decided = await c.waitOn(
        'brp',
        'desk:address',
        () => c.addressDecision !== undefined,
        'the municipality rejected the address',
      );
      if (!decided) {
        c.skippedByOperator('brp');
        break;
      }
      if (c.addressDecision === 'refer-to-rni') {
        c.finish('brp', 'referred-to-rni', 'address referred to the RNI by a desk officer');
        break;
      }
      if (c.addressDecision === 'refuse') {
        c.finish('brp', 'refused', 'address refused by a desk officer');
        break;
      }
      addressVerifiedByOfficer = true;
    }
  }
  await bsnNorm;
}
