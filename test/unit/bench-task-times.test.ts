import assert from 'node:assert/strict';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { updateTasks } from '../../bench/task-times';

type Event = temporal.api.history.v1.IHistoryEvent;

const at = (ms: number): Event['eventTime'] => msToTs(1_800_000_000_000 + ms);
const event = (ms: number, attributes: Partial<Event>): Event => ({ eventTime: at(ms), ...attributes });
const accepted = (ms: number, name: string): Event =>
  event(ms, { workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { input: { name } } } });

describe('bench: where an update spent its time, read from its history', () => {
  it('times the workflow task that ran the update and counts what its completion wrote', () => {
    const history = [
      event(0, { workflowExecutionStartedEventAttributes: {} }),
      event(1, { workflowTaskScheduledEventAttributes: {} }),
      event(2, { workflowTaskStartedEventAttributes: {} }),
      event(5, { workflowTaskCompletedEventAttributes: {} }),
      // The check-in's task: scheduled when the update came, started, completed 18.5 ms later.
      event(1000, { workflowTaskScheduledEventAttributes: {} }),
      event(1001, { workflowTaskStartedEventAttributes: {} }),
      event(1019.5, { workflowTaskCompletedEventAttributes: {} }),
      accepted(1019.5, 'checkIn'),
      event(1019.5, { timerStartedEventAttributes: {} }),
      event(1019.5, { activityTaskScheduledEventAttributes: {} }),
      event(1019.5, { timerCanceledEventAttributes: {} }),
      event(1019.5, { upsertWorkflowSearchAttributesEventAttributes: {} }),
      event(1019.5, { workflowExecutionUpdateCompletedEventAttributes: {} }),
      // What follows is not the task's: the activity it scheduled starting.
      event(1030, { activityTaskStartedEventAttributes: {} }),
      event(1040, { activityTaskCompletedEventAttributes: {} }),
    ];
    assert.deepEqual(updateTasks(history), [
      {
        update: 'checkIn',
        workerMs: 18.5,
        eventsWritten: 6,
        written: [
          'workflowExecutionUpdateAccepted',
          'timerStarted',
          'activityTaskScheduled',
          'timerCanceled',
          'upsertWorkflowSearchAttributes',
          'workflowExecutionUpdateCompleted',
        ],
      },
    ]);
  });

  it('gives each of two updates in one task that task', () => {
    const history = [
      event(0, { workflowTaskScheduledEventAttributes: {} }),
      event(3, { workflowTaskStartedEventAttributes: {} }),
      event(10, { workflowTaskCompletedEventAttributes: {} }),
      accepted(10, 'checkIn'),
      event(10, { workflowExecutionUpdateCompletedEventAttributes: {} }),
      accepted(10, 'recordAdvice'),
      event(10, { workflowExecutionUpdateCompletedEventAttributes: {} }),
      event(10, { workflowExecutionCompletedEventAttributes: {} }),
    ];
    const written = [
      'workflowExecutionUpdateAccepted',
      'workflowExecutionUpdateCompleted',
      'workflowExecutionUpdateAccepted',
      'workflowExecutionUpdateCompleted',
      'workflowExecutionCompleted',
    ];
    assert.deepEqual(updateTasks(history), [
      { update: 'checkIn', workerMs: 7, eventsWritten: 5, written },
      { update: 'recordAdvice', workerMs: 7, eventsWritten: 5, written },
    ]);
  });

  it('finds nothing in a history without updates', () => {
    assert.deepEqual(
      updateTasks([
        event(0, { workflowTaskStartedEventAttributes: {} }),
        event(1, { workflowTaskCompletedEventAttributes: {} }),
      ]),
      [],
    );
  });
});
