import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One Update as its subject's history shows it: what the worker took and what its workflow task wrote. */
export interface UpdateTask {
  /** The Update's name, e.g. `checkIn` or `bareCheckIn`. */
  update: string;
  /**
   * From the workflow task's start to its completion: the worker's share of the Update's latency (the poll
   * answer's way to the worker, the activation, the commands' way back), as Temporal timed it.
   */
  workerMs: number;
  /** Events the task's completion wrote: the Update's acceptance and completion, and the commands beside them. */
  eventsWritten: number;
  /** Those events by kind, in order, e.g. `timerStarted`, `upsertWorkflowSearchAttributes`. */
  written: string[];
}

/** The attributes of the events a workflow task's completion writes: its commands and its messages. */
const writtenByCompletion = new Set<keyof HistoryEvent>([
  'markerRecordedEventAttributes',
  'timerStartedEventAttributes',
  'timerCanceledEventAttributes',
  'activityTaskScheduledEventAttributes',
  'activityTaskCancelRequestedEventAttributes',
  'upsertWorkflowSearchAttributesEventAttributes',
  'workflowPropertiesModifiedEventAttributes',
  'workflowExecutionUpdateAcceptedEventAttributes',
  'workflowExecutionUpdateCompletedEventAttributes',
  'startChildWorkflowExecutionInitiatedEventAttributes',
  'signalExternalWorkflowExecutionInitiatedEventAttributes',
  'requestCancelExternalWorkflowExecutionInitiatedEventAttributes',
  'workflowExecutionCompletedEventAttributes',
  'workflowExecutionFailedEventAttributes',
  'workflowExecutionContinuedAsNewEventAttributes',
]);

const has = (event: HistoryEvent | undefined, attributes: keyof HistoryEvent): boolean =>
  event?.[attributes] !== undefined && event[attributes] !== null;

const at = (event: HistoryEvent): number =>
  Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;

/** Every accepted Update of a history, with the workflow task that ran it. */
export function updateTasks(events: readonly HistoryEvent[]): UpdateTask[] {
  const tasks: UpdateTask[] = [];
  for (let i = 0; i < events.length; i += 1) {
    const accepted = events[i]!.workflowExecutionUpdateAcceptedEventAttributes;
    if (!accepted) continue;
    let completed = i;
    while (completed >= 0 && !has(events[completed], 'workflowTaskCompletedEventAttributes')) completed -= 1;
    let started = completed;
    while (started >= 0 && !has(events[started], 'workflowTaskStartedEventAttributes')) started -= 1;
    if (started < 0) continue;
    const written: string[] = [];
    for (let end = completed + 1; end < events.length; end += 1) {
      const kind = [...writtenByCompletion].find((a) => has(events[end], a));
      if (!kind) break;
      written.push(kind.replace(/EventAttributes$/, ''));
    }
    tasks.push({
      update: accepted.acceptedRequest?.input?.name ?? '',
      workerMs: at(events[completed]!) - at(events[started]!),
      eventsWritten: written.length,
      written,
    });
  }
  return tasks;
}
