import { isCancellation } from '@temporalio/workflow';
import type { Milestone } from '../activities/notify';
import type { AgencyProxies } from './agencies';
import type { CaseState } from './case-state';

const system = { id: 'system', role: 'operator' } as const;

/**
 * E-mails the newcomer about a milestone without holding up the case: the call is retried like any agency
 * call, and the workflow waits for every e-mail before it returns.
 */
export class Notifier {
  private readonly sending: Promise<void>[] = [];
  private readonly counts = new Map<Milestone, number>();

  constructor(
    private readonly state: CaseState,
    private readonly agencies: AgencyProxies,
  ) {}

  send(milestone: Milestone, details: Record<string, string> = {}): void {
    const occurrence = (this.counts.get(milestone) ?? 0) + 1;
    this.counts.set(milestone, occurrence);
    const { person } = this.state.booking;
    const sent = this.agencies.notify
      .notifyNewcomer({
        caseId: this.state.caseId,
        milestone,
        ...(occurrence > 1 ? { occurrence } : {}),
        email: person.email,
        givenName: person.givenNames.split(' ')[0] ?? person.givenNames,
        ...(this.state.booking.language ? { language: this.state.booking.language } : {}),
        details,
      })
      .then(
        () => undefined,
        (err: unknown) => {
          if (isCancellation(err)) return;
          this.state.record(system, 'notification-failed', `${milestone}: the e-mail could not be sent`);
        },
      );
    this.sending.push(sent);
  }

  async allSent(): Promise<void> {
    await Promise.all(this.sending);
  }
}
