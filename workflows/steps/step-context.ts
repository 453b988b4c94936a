import type { AgencyProxies } from '../agencies';
import type { CaseState } from '../case-state';
import type { Compensations } from '../compensations';
import type { Notifier } from '../notifications';

/** What every step of a case works with. */
export interface StepContext {
  state: CaseState;
  agencies: AgencyProxies;
  notifier: Notifier;
  /** Where a step registers the undo of an agency effect, right after the effect. */
  compensations: Compensations;
}
