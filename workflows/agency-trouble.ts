import type { AgencyTrouble } from './current-details';

/**
 * The agency calls of a case that have kept failing past `agencyRetryVisibleAfterMs`: which agencies to show as
 * `AgencyRetrying`, and for the current details since when each has been failing and its last error. Plain data,
 * owned by the case state, which syncs the search attributes after each change.
 */
export class FailingAgencyCalls {
  /** The start of each failing call, per agency: two calls may fail at once, and either may recover first. */
  private readonly starts = new Map<string, number[]>();
  private readonly lastErrors = new Map<string, NonNullable<AgencyTrouble['lastError']>>();

  /** A call to `agency` that began at `since` (epoch ms) is still failing. */
  failing(agency: string, since: number): void {
    this.starts.set(agency, [...(this.starts.get(agency) ?? []), since]);
  }

  /** The call to `agency` that began at `since` succeeded or ended. */
  ended(agency: string, since: number): void {
    const starts = [...(this.starts.get(agency) ?? [])];
    const index = starts.indexOf(since);
    if (index >= 0) starts.splice(index, 1);
    if (starts.length > 0) return void this.starts.set(agency, starts);
    this.starts.delete(agency);
    this.lastErrors.delete(agency);
  }

  /** The last failed attempt as Temporal's retries saw it; false when no call to `agency` is failing. */
  lastError(agency: string, lastError: NonNullable<AgencyTrouble['lastError']>): boolean {
    if (!this.starts.has(agency)) return false;
    this.lastErrors.set(agency, lastError);
    return true;
  }

  /** The agencies with a failing call, sorted: the `AgencyRetrying` search attribute. */
  agencies(): string[] {
    return [...this.starts.keys()].sort();
  }

  /**
   * Per agency with a failing call, in the order the agencies began failing: since the earliest start among the
   * calls still failing (not of one that recovered meanwhile), and the last error once read.
   */
  trouble(): AgencyTrouble[] {
    return [...this.starts].map(([agency, starts]) => {
      const lastError = this.lastErrors.get(agency);
      return { agency, since: new Date(Math.min(...starts)).toISOString(), ...(lastError ? { lastError } : {}) };
    });
  }
}
