import type { CaseSettings } from '../workflows/settings';

/** Runs on the case worker as a local activity: the deployment's clocks, read once per case. */
export function createCaseSettingsActivities(settings: CaseSettings) {
  return {
    // eslint-disable-next-line @typescript-eslint/require-await
    async loadCaseSettings(): Promise<CaseSettings> {
      return settings;
    },
  };
}
export type CaseSettingsActivities = ReturnType<typeof createCaseSettingsActivities>;
