import {
  allHandlersFinished,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { WaitingOn } from '../workflows/search-attributes';

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

/** The no-op activity that stands in for the agency call and the e-mail a case schedules. */
export interface CommandsActivities {
  agencyStandIn(): Promise<void>;
}

const { agencyStandIn } = proxyActivities<CommandsActivities>({ startToCloseTimeout: '1 minute' });
const day = 24 * 60 * 60 * 1000;

/**
 * The second baseline of `npm run bench`: the same two updates, answered with the commands an EU citizen's case
 * writes in the tasks that run them, and nothing else (`test/bench-baseline.test.ts` holds the two to the same
 * events). A case keeps one timer, at its earliest due date (`workflows/case-clock.ts`): check-in stops the
 * appointment's clock and starts the BRP call's retry watch, the earliest of the clocks it starts, schedules the
 * BRP registration and upserts the search attributes; once BRP answers, the timer moves on to the advice wait's
 * norm; advice stops that, schedules the e-mail and upserts. What a case's update costs beyond this is the case's
 * code, not Temporal's work for the action's effects.
 */
export async function commandsCaseWorkflow(): Promise<void> {
  let waitingOn: BareStep = 'checkIn';
  setHandler(bareStatusQuery, () => ({ waitingOn }));
  let timer = timerOf(7 * day);
  const calls: Promise<void>[] = [];
  setHandler(bareCheckInUpdate, () => {
    timer.stop();
    timer = timerOf(2000);
    const registered = agencyStandIn().then(() => {
      timer.stop();
      timer = timerOf(2 * day);
      upsertSearchAttributes([{ key: WaitingOn, value: ['expat:advice'] }]);
    });
    calls.push(registered);
    upsertSearchAttributes([{ key: WaitingOn, value: ['agency:brp', 'expat:advice'] }]);
    waitingOn = 'recordAdvice';
    return { waitingOn };
  });
  setHandler(bareRecordAdviceUpdate, () => {
    timer.stop();
    calls.push(agencyStandIn());
    upsertSearchAttributes([{ key: WaitingOn, value: null }]);
    waitingOn = 'done';
    return { waitingOn };
  });
  await condition(() => waitingOn === 'done');
  await Promise.all(calls);
  await condition(allHandlersFinished);
}

interface Timer {
  stop(): void;
}

/** A timer that may be cancelled, as a case's is when its earliest due date moves. */
function timerOf(ms: number): Timer {
  const scope = new CancellationScope();
  void scope
    .run(() => sleep(ms))
    .catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  return { stop: () => scope.cancel() };
}
