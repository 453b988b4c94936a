import { condition } from '@temporalio/workflow';
import { runDeadline } from '../deadlines';
import type { StepContext } from './step-context';

/**
 * The clock of each return visit (`schedule-visit`): the newcomer is expected by its start plus the check-in
 * grace. A visit served in time is done; one missed is marked so, and the booking site or desk books another.
 * A new visit restarts the clock. Ends with the case's other steps (`stepsDone`); issues no command until a
 * visit is scheduled.
 */
export async function returnVisits({ state, patches }: StepContext, stepsDone: () => boolean): Promise<void> {
  // Cases started before a refused permit ended the biometrics step kept a visit's clock until the case ended.
  const obsolete = (): boolean => patches.refusalEndsBiometrics && state.visitObsolete();
  let seen = state.visitVersion;
  for (;;) {
    await condition(() => state.visitVersion !== seen || stepsDone());
    if (state.visitVersion === seen) return;
    seen = state.visitVersion;
    const visit = state.returnVisit!;
    const dueIn = Date.parse(visit.startsAt) + state.settings.checkInGraceMs - Date.now();
    const clock = await runDeadline(state, 'return-visit', Math.max(dueIn, 1), {
      until: () => state.visitServed() || state.visitVersion !== seen || stepsDone() || obsolete(),
      sla: false,
    });
    if (state.visitVersion !== seen) continue;
    const ended = clock === 'breached' ? 'missed' : !state.visitServed() && obsolete() ? 'cancelled' : 'done';
    state.endVisit(ended);
    if (ended !== 'done') state.record({ id: 'system', role: 'operator' }, `return-visit-${ended}`, visit.purpose);
    state.sync();
  }
}
