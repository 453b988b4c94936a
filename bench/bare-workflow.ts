import { allHandlersFinished, condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';

/** Where a bare case is, like a case's `waitingOn`. */
export type BareStep = 'checkIn' | 'recordAdvice' | 'done';
export interface BareView {
  waitingOn: BareStep;
}

// The argument is the case's own request, sent and decoded like it, and ignored.
export const bareCheckInUpdate = defineUpdate<BareView, [unknown]>('bareCheckIn');
export const bareRecordAdviceUpdate = defineUpdate<BareView, [unknown]>('bareRecordAdvice');
export const bareStatusQuery = defineQuery<BareView>('bareStatus');

/**
 * The engine baseline of `npm run bench`: a workflow that answers the case's two timed updates, check-in and
 * advice, with nothing but the round trip through Temporal and a worker. No validator, no state, no activities:
 * what a case's update costs beyond this is the case's own.
 */
export async function bareCaseWorkflow(): Promise<void> {
  let waitingOn: BareStep = 'checkIn';
  setHandler(bareStatusQuery, () => ({ waitingOn }));
  setHandler(bareCheckInUpdate, () => {
    waitingOn = 'recordAdvice';
    return { waitingOn };
  });
  setHandler(bareRecordAdviceUpdate, () => {
    waitingOn = 'done';
    return { waitingOn };
  });
  await condition(() => waitingOn === 'done');
  await condition(allHandlersFinished);
}
