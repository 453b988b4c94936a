import type { Logger } from '../lib/logger';

/** What the activities need from the process that hosts them. */
export interface ActivityDeps {
  logger: Logger;
}

/**
 * Every activity of the service, bound to its dependencies. Workflows import only the *type* of this
 * (`proxyActivities<Activities>`), never its code.
 */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
