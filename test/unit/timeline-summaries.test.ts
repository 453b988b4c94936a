import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../scripts/temporal-binaries';

const histories = path.join(projectRoot, 'test', 'fixtures', 'histories');

interface Event {
  eventId: string;
  eventType: string;
  userMetadata?: { summary?: unknown };
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: { data?: string }[] }>;
  };
}

const patchesOf = (events: Event[]): string[] =>
  events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? '';
      return (JSON.parse(Buffer.from(data, 'base64').toString()) as { id: string }).id;
    });

/** An activity, timer or local activity of the history that the Temporal UI's timeline would show unnamed. */
const unnamed = (events: Event[]): string[] =>
  events
    .filter(
      (e) =>
        e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' ||
        e.eventType === 'EVENT_TYPE_TIMER_STARTED' ||
        e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    )
    .filter((e) => e.userMetadata?.summary === undefined)
    .map((e) => `${e.eventId} ${e.eventType} ${e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''}`);

describe('the Temporal UI names every activity and timer of a case', () => {
  it('in every recorded case since the summaries came (patch agency-last-error), none is left unnamed', () => {
    const recent = readdirSync(histories)
      .filter((file) => file.endsWith('.json'))
      .map((file) => ({
        file,
        events: (JSON.parse(readFileSync(path.join(histories, file), 'utf8')) as { events: Event[] }).events,
      }))
      .filter(({ events }) => patchesOf(events).includes('agency-last-error'));
    assert.ok(recent.length >= 10, `only ${recent.length} recorded cases since the summaries`);
    for (const { file, events } of recent) assert.deepEqual(unnamed(events), [], file);
  });
});
