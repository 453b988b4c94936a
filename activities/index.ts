import type { AgencyConfig } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createBiometricsActivities } from './biometrics';
import { createBrpActivities } from './brp';
import { createCardActivities } from './cards';
import type { AgencyEndpoint } from './http';
import { createIndActivities } from './ind';
import { createNotifyActivities } from './notify';
import { createVisaActivities } from './visas';

/** What the activities need from the process that hosts them. */
export interface ActivityDeps {
  logger: Logger;
  agencies: AgencyConfig;
}

/** The activities of each agency, grouped as they run: each agency has its own task queue and rate limit. */
export function createAgencyActivities({ agencies: config }: ActivityDeps) {
  const endpoint = (agency: AgencyEndpoint['agency'], baseUrl: string, token: string): AgencyEndpoint => ({
    agency,
    baseUrl,
    token,
    timeoutMs: config.AGENCY_TIMEOUT_MS,
  });
  const ind = endpoint('ind', config.IND_URL, config.IND_TOKEN);
  const indCallbacks = { callbackUrl: config.IND_CALLBACK_URL, pollIntervalMs: config.IND_POLL_INTERVAL_MS };
  return {
    brp: createBrpActivities({
      brpEndpoint: (code) =>
        endpoint(
          'brp',
          config.BRP_URL_TEMPLATE.replace(/\{municipalityCode\}|%7BmunicipalityCode%7D/, code),
          config.BRP_TOKEN,
        ),
    }),
    ind: {
      ...createIndActivities({ ind, ...indCallbacks }),
      ...createBiometricsActivities({ ind }),
      ...createCardActivities({ ind, ...indCallbacks }),
      ...createVisaActivities({ ind }),
    },
    notify: createNotifyActivities({ notify: endpoint('notify', config.NOTIFY_URL, config.NOTIFY_TOKEN) }),
  };
}

export type AgencyActivities = ReturnType<typeof createAgencyActivities>;
export type BrpActivities = AgencyActivities['brp'];
export type IndActivities = AgencyActivities['ind'];
export type NotifyActivities = AgencyActivities['notify'];

/**
 * Every activity of the service, bound to its dependencies. Workflows import only the *type* of this
 * (`proxyActivities<Activities>`), never its code.
 */
export function createActivities(deps: ActivityDeps) {
  const { brp, ind, notify } = createAgencyActivities(deps);
  return { ...brp, ...ind, ...notify };
}

export type Activities = ReturnType<typeof createActivities>;
