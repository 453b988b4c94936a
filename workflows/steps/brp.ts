import { condition } from '@temporalio/workflow';
import { agencyFailure } from '../../domain/agency-failures';
import { minimumBrpMonths } from '../../domain/rules';
import { refusalType, skipped, withAgency } from '../agency-call';
import type { CaseState } from '../case-state';
import { runDeadline } from '../deadlines';
import type { StepContext } from './step-context';

/** Lawful stay is shown by EU citizenship, an MVV, a granted permit, or a pending first permit without MVV. */
function lawfulStay(state: CaseState): 'shown' | 'not-shown' | 'unknown' {
  if (state.euCitizen || state.hasMvv) return 'shown';
  if (state.permit.status === 'pending' || state.permit.status === 'granted') return 'shown';
  if (!state.wants('residence-permit') || state.permitDecided || state.done('permit')) return 'not-shown';
  return 'unknown';
}

/**
 * BRP first registration in the municipality of residence, once the newcomer is checked in and lawful stay is
 * shown. An address the municipality rejects goes to a desk officer (accept, refer to RNI, refuse).
 */
export async function brpStep(context: StepContext): Promise<void> {
  const { state, agencies, notifier } = context;
  if (!state.wants('brp-registration')) return state.finish('brp', 'not-wanted');
  state.setStep('brp', { state: 'blocked', detail: 'waits for check-in and lawful stay' });
  await condition(() => (state.checkInSettled || state.done('check-in')) && lawfulStay(state) !== 'unknown');
  if (state.checkInState !== 'verified')
    return state.finish('brp', 'not-possible', 'identity not verified at check-in');
  if (lawfulStay(state) === 'not-shown') return state.finish('brp', 'refused', 'no lawful stay shown');
  if (state.booking.stay.expectedMonths < minimumBrpMonths) {
    return state.finish(
      'brp',
      'referred-to-rni',
      `a stay of under ${minimumBrpMonths} months is registered in the RNI`,
    );
  }

  const bsnNorm = runDeadline(state, 'bsn-service-norm', state.settings.bsnNormMs, { until: () => state.done('brp') });
  let addressVerifiedByOfficer = false;
  let registrationId: string | undefined;
  for (;;) {
    try {
      const registration = await withAgency(
        state,
        'brp',
        'brp',
        () =>
          agencies.brp.registerInBrp({
            caseId: state.caseId,
            municipalityCode: state.booking.residence.municipalityCode,
            person: state.booking.person,
            address: state.booking.residence.address,
            expectedMonths: state.booking.stay.expectedMonths,
            ...(addressVerifiedByOfficer ? { addressVerifiedByOfficer } : {}),
          }),
        [agencyFailure.addressRejected],
      );
      if (registration === skipped) state.finish('brp', 'skipped', state.skipReason('brp'));
      else {
        state.addResults({ bsn: registration.bsn });
        registrationId = registration.registrationId;
        state.finish('brp', 'registered');
        notifier.send('brp-registered', { municipality: state.booking.residence.municipalityCode });
      }
      break;
    } catch (err) {
      if (refusalType(err) !== agencyFailure.addressRejected) throw err;
      state.addressRejected();
      const decided = await state.waitOn(
        'brp',
        'desk:address',
        () => state.addressDecision !== undefined,
        'the municipality rejected the address',
      );
      if (!decided) {
        state.skippedByOperator('brp');
        break;
      }
      if (state.addressDecision === 'refer-to-rni') {
        state.finish('brp', 'referred-to-rni', 'address referred to the RNI by a desk officer');
        break;
      }
      if (state.addressDecision === 'refuse') {
        state.finish('brp', 'refused', 'address refused by a desk officer');
        break;
      }
      addressVerifiedByOfficer = true;
    }
  }
  await bsnNorm;
  if (registrationId !== undefined && context.patches.municipalityTold) {
    await tellMunicipalityOfRefusal(context, registrationId);
  }
}

/**
 * The registration rested on a pending permit: when IND refuses it (or finds it inadmissible), the municipality is
 * told, and decides on the registration itself; the newcomer hears what that means. The step stays `registered`.
 */
async function tellMunicipalityOfRefusal({ state, agencies, notifier }: StepContext, registrationId: string) {
  if (!state.wants('residence-permit')) return;
  await condition(() => state.permitDecided || state.done('permit'));
  const { status, decidedAt } = state.permit;
  if (status !== 'refused' && status !== 'inadmissible') return;
  const municipality = state.booking.residence.municipalityCode;
  const told = await withAgency(state, 'brp', 'brp', () =>
    agencies.brp.reportResidenceDecisionToBrp({
      caseId: state.caseId,
      municipalityCode: municipality,
      registrationId,
      decision: status,
      decidedAt: decidedAt ?? new Date().toISOString(),
    }),
  );
  if (told === skipped) {
    return state.finish(
      'brp',
      'registered',
      `the municipality was not told of the permit ${status} (${state.skipReason('brp')})`,
    );
  }
  state.finish('brp', 'registered', `municipality ${municipality} told of the permit ${status}`);
  notifier.send('municipality-informed', { decision: status, municipality });
}
