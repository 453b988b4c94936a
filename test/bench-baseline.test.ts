import assert from 'node:assert/strict';
import { barePath, casePath, createBareWorker, type Path, type TimedAction } from '../bench/paths';
import { updateTasks } from '../bench/task-times';
import { euBooking } from './fixtures/bookings';
import { startCase } from './harness/case-driver';
import { useCaseStack } from './harness/case-fixture';
import { temporal, testDataConverter, uniqueTaskQueue } from './harness/temporal';

const actions: readonly TimedAction[] = ['checkIn', 'recordAdvice'];

/** Takes both timed actions the way the bench does, and reads what each one's workflow task wrote, by kind. */
async function writtenPerAction(p: Path): Promise<Record<TimedAction, string[]>> {
  const subject = await p.open();
  for (const action of actions) {
    await p.ready(subject, action);
    await p.take(subject, action);
  }
  const tasks = updateTasks((await subject.fetchHistory()).events ?? []);
  const written = (action: TimedAction): string[] => {
    const task = tasks.find((t) => t.update === p.updates[action]);
    assert.ok(task, `${p.name}: no workflow task ran ${p.updates[action]}`);
    return [...task.written].sort();
  };
  return { checkIn: written('checkIn'), recordAdvice: written('recordAdvice') };
}

/**
 * `npm run bench` reads `direct / commands` as what the case's code costs beyond Temporal's work for the action's
 * effects. That holds only while the baseline writes what the case writes: a case that starts one more clock at
 * check-in must fail here until the baseline does too.
 */
describe("bench baseline: the commands workflow writes what an EU citizen's case writes for the same actions", function () {
  this.timeout(180_000);
  const stack = useCaseStack({ name: 'bench-baseline' });

  it('check-in and advice each write the same events, kind by kind, in the task that ran them', async () => {
    const { client, nativeConnection, namespace } = temporal();
    const baselineQueue = uniqueTaskQueue('bench-commands');
    const baselineWorker = await createBareWorker(nativeConnection, testDataConverter, baselineQueue, namespace);
    const caseDirect: Path = {
      ...casePath(client, 'http://unused.invalid', 'direct'),
      open: () => startCase(stack.taskQueue, euBooking()),
    };

    const [ofCase, ofBaseline] = await stack.runWorkers(() =>
      baselineWorker.runUntil(() =>
        Promise.all([writtenPerAction(caseDirect), writtenPerAction(barePath(client, 'commands', baselineQueue))]),
      ),
    );

    assert.ok(
      ofCase.checkIn.includes('activityTaskScheduled'),
      `check-in scheduled no BRP call: ${ofCase.checkIn.join(', ')}`,
    );
    assert.ok(
      ofCase.recordAdvice.includes('timerCanceled'),
      `advice stopped no clock: ${ofCase.recordAdvice.join(', ')}`,
    );
    assert.deepEqual(ofBaseline, ofCase);
  });
});
