import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BrpActivities, IndActivities, NotifyActivities } from '../activities';
import type { CaseSettingsActivities } from '../activities/case-settings';
import { agencyCall, longPoll } from './activity-options';
import type { CaseSettings } from './settings';

/** The activity stubs of a case, each agency with its named retry preset. */
export function agencyProxies(settings: CaseSettings) {
  return {
    brp: proxyActivities<BrpActivities>(agencyCall('brp', settings)),
    ind: proxyActivities<IndActivities>(agencyCall('ind', settings)),
    indPoll: proxyActivities<Pick<IndActivities, 'awaitPermitDecision' | 'awaitResidenceCardReady'>>(
      longPoll('ind', settings),
    ),
    notify: proxyActivities<NotifyActivities>(agencyCall('notify', settings)),
  };
}
export type AgencyProxies = ReturnType<typeof agencyProxies>;

/** Reads the deployment's deadlines once, at case start; the answer is recorded in the case's history. */
export const { loadCaseSettings } = proxyLocalActivities<CaseSettingsActivities>({ startToCloseTimeout: '10s' });
