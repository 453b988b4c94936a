import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CoalescingWriter } from '../../sandbox/state-store';

/** A disk whose writes finish only when the test says so. */
function heldDisk() {
  const writes: { text: string; finish(err?: Error): void }[] = [];
  const errors: unknown[] = [];
  let version = 0;
  const writer = new CoalescingWriter(
    () => `version ${version}`,
    (text) =>
      new Promise<void>((resolve, reject) => writes.push({ text, finish: (err) => (err ? reject(err) : resolve()) })),
    (err) => errors.push(err),
  );
  const change = (): Promise<void> => {
    version += 1;
    return writer.save();
  };
  const writeStarted = async (count: number): Promise<void> => {
    while (writes.length < count) await nextTurn();
  };
  return { writer, writes, errors, change, writeStarted };
}

/** Whether `promise` has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await nextTurn();
  return done;
}

describe('sandbox state store: coalesced writes', () => {
  it('writes a burst of a hundred changes once, and answers none of them before that write is done', async () => {
    const disk = heldDisk();
    const saves = Array.from({ length: 100 }, () => disk.change());
    await disk.writeStarted(1);
    assert.equal(await settled(Promise.race(saves)), false, 'a save resolved before its write finished');
    disk.writes[0]!.finish();
    await Promise.all(saves);
    assert.deepEqual(
      disk.writes.map((w) => w.text),
      ['version 100'],
    );
  });

  it('gives every change made during a write one more write, and waits for it', async () => {
    const disk = heldDisk();
    const first = disk.change();
    await disk.writeStarted(1);
    const during = Array.from({ length: 50 }, () => disk.change());
    disk.writes[0]!.finish();
    await first;
    assert.equal(await settled(Promise.race(during)), false, 'a change made during a write was answered by it');
    await disk.writeStarted(2);
    disk.writes[1]!.finish();
    await Promise.all(during);
    assert.deepEqual(
      disk.writes.map((w) => w.text),
      ['version 1', 'version 51'],
    );
  });

  it('fails the saves of a failed write, reports it, and writes again on the next change', async () => {
    const disk = heldDisk();
    const failing = disk.change();
    await disk.writeStarted(1);
    disk.writes[0]!.finish(new Error('disk full'));
    await assert.rejects(failing, /disk full/);
    assert.equal(disk.errors.length, 1);

    const next = disk.change();
    await disk.writeStarted(2);
    disk.writes[1]!.finish();
    await next;
    assert.equal(disk.writes[1]!.text, 'version 2');
  });

  it('answers flushed() at once when nothing is pending, and after the write when something is', async () => {
    const disk = heldDisk();
    await disk.writer.flushed();
    disk.writer.changed();
    const flushed = disk.writer.flushed();
    await disk.writeStarted(1);
    assert.equal(await settled(flushed), false);
    disk.writes[0]!.finish();
    await flushed;
    assert.equal(disk.writes.length, 1);
  });
});
