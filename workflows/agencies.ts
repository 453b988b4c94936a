import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BrpActivities, IndActivities, NotifyActivities } from '../activities';
import type { CaseSettingsActivities } from '../activities/case-settings';
import type { RetryingCallActivities } from '../activities/retrying-calls';
import { agencyCall, longPoll } from './activity-options';
import type { CaseSettings } from './settings';
import { summarised } from './summaries';

/** The activity stubs of a case, each agency with its named retry preset, each call with its summary for the UI. */
export function agencyProxies(settings: CaseSettings) {
  return {
    brp: summarised(proxyActivities<BrpActivities>(agencyCall('brp', settings))),
    ind: summarised(proxyActivities<IndActivities>(agencyCall('ind', settings))),
    indPoll: summarised(
      proxyActivities<Pick<IndActivities, 'awaitPermitDecision' | 'awaitResidenceCardReady'>>(
        longPoll('ind', settings),
      ),
    ),
    notify: summarised(proxyActivities<NotifyActivities>(agencyCall('notify', settings))),
  };
}
export type AgencyProxies = ReturnType<typeof agencyProxies>;

/** Reads the deployment's deadlines once, at case start; the answer is recorded in the case's history. */
export const { loadCaseSettings } = proxyLocalActivities<CaseSettingsActivities>({
  startToCloseTimeout: '10s',
  summary: "Read the deployment's case clocks",
});

/** What Temporal's retries of a failing agency call last saw (see `activities/retrying-calls.ts`). */
export const { lastAgencyError } = proxyLocalActivities<RetryingCallActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
  summary: "Read the failing agency call's last error",
});
