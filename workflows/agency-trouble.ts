import type { AgencyTrouble } from './current-details';

/**
 * The agency calls of a case that have kept failing past `agencyRetryVisibleAfterMs`: which agencies to show as
 * `AgencyRetrying`, and for the current details since when each has been failing and its last error. Plain data,
 * owned by the case state, which syncs the search attributes after each change.
 */
export class FailingAgencyCalls {
  private readonly counts = new Map<string, number>();
  private readonly troubles = new Map<string, AgencyTrouble>();

  /** A call to `agency` that began at `since` (epoch ms) is still failing. */
  failing(agency: string, since: number): void {
    this.counts.set(agency, (this.counts.get(agency) ?? 0) + 1);
    const trouble = this.troubles.get(agency);
    if (trouble === undefined || Date.parse(trouble.since) > since) {
      this.troubles.set(agency, { ...trouble, agency, since: new Date(since).toISOString() });
    }
  }

  /** A call marked failing succeeded or ended. */
  ended(agency: string): void {
    const count = (this.counts.get(agency) ?? 0) - 1;
    if (count > 0) return void this.counts.set(agency, count);
    this.counts.delete(agency);
    this.troubles.delete(agency);
  }

  /** The last failed attempt as Temporal's retries saw it; false when no call to `agency` is failing. */
  lastError(agency: string, lastError: NonNullable<AgencyTrouble['lastError']>): boolean {
    const trouble = this.troubles.get(agency);
    if (trouble === undefined) return false;
    this.troubles.set(agency, { ...trouble, lastError });
    return true;
  }

  /** The agencies with a failing call, sorted: the `AgencyRetrying` search attribute. */
  agencies(): string[] {
    return [...this.counts.keys()].sort();
  }

  /** Per agency with a failing call, since when and the last error, in the order the agencies began failing. */
  trouble(): AgencyTrouble[] {
    return [...this.troubles.values()];
  }
}
