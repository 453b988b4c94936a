import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** The fixtures stay in the source tree (recorded by test/record-histories.ts); this file runs from dist/test/unit. */
const historiesDir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'histories');

interface JsonEvent {
  eventId: string;
  eventType: string;
  markerRecordedEventAttributes?: { markerName: string; details?: Record<string, { payloads?: { data: string }[] }> };
  timerStartedEventAttributes?: { timerId: string };
  timerFiredEventAttributes?: { timerId: string };
  timerCanceledEventAttributes?: { timerId: string };
}

function patchesOf(events: JsonEvent[]): string[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString()) as { id: string }).id] : [];
  });
}

/** Every recorded case started since the patch: the histories are what the workflow really wrote. */
const cases = fs
  .readdirSync(historiesDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({
    file,
    events: (JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')) as { events: JsonEvent[] }).events,
  }))
  .filter(({ events }) => patchesOf(events).includes('one-case-clock'));

describe("a case's one timer (patch one-case-clock), in the recorded histories", () => {
  it('covers every recorded scenario', () => {
    assert.ok(cases.length >= 19, `only ${cases.length} histories were recorded under one-case-clock`);
  });

  for (const { file, events } of cases) {
    it(`${file}: never more than one timer pending at once`, () => {
      const pending = new Set<string>();
      let started = 0;
      for (const e of events) {
        // A task's completion writes its commands together: a timer that moves is started, then the old cancelled.
        if (e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED') {
          assert.ok(pending.size <= 1, `before event ${e.eventId}: timers ${[...pending].join(', ')} pending at once`);
        }
        const begun = e.timerStartedEventAttributes?.timerId;
        const ended = (e.timerFiredEventAttributes ?? e.timerCanceledEventAttributes)?.timerId;
        if (begun !== undefined) {
          started += 1;
          pending.add(begun);
        }
        if (ended !== undefined) assert.ok(pending.delete(ended), `event ${e.eventId}: timer ${ended} was not pending`);
      }
      assert.ok(started > 0, 'the case started no timer: its clocks did not run');
    });
  }
});
