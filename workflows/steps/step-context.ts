import type { AgencyProxies } from '../agencies';
import type { CaseState } from '../case-state';
import type { Compensations } from '../compensations';
import type { Notifier } from '../notifications';

/**
 * Rules a running case must not pick up midway, each read as a patch in the case's first activation: true for cases
 * started since the rule.
 */
export interface CasePatches {
  /** A permit refused or inadmissible after the BRP registration is reported to the municipality. */
  municipalityTold: boolean;
  /** A no-show closure withdraws the IND application the desk filed. */
  noShowWithdraws: boolean;
  /** A permit refused (or no card to make otherwise) ends a biometrics step still waiting for a capture. */
  refusalEndsBiometrics: boolean;
  /** A permit decided while the report of overdue documents waits on an operator ends that wait. */
  decisionEndsOverdueReport: boolean;
  /** A TEV application linked with an MVV counts as granted only when IND says it is. */
  tevGrantFromInd: boolean;
}

/** What every step of a case works with. */
export interface StepContext {
  state: CaseState;
  agencies: AgencyProxies;
  notifier: Notifier;
  /** Where a step registers the undo of an agency effect, right after the effect. */
  compensations: Compensations;
  patches: CasePatches;
}
