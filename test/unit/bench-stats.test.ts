import assert from 'node:assert/strict';
import { runPool, Samples, verdict, windowRates } from '../../bench/stats';

describe('bench: the figures it reports', () => {
  const samples = (...values: number[]): Samples => {
    const s = new Samples();
    for (const v of values) s.add(v);
    return s;
  };

  it('a percentile is a measured value: the nearest rank, never an interpolation', () => {
    const hundred = samples(...Array.from({ length: 100 }, (_, i) => 100 - i));
    assert.equal(hundred.percentile(50), 50);
    assert.equal(hundred.percentile(99), 99);
    assert.equal(hundred.percentile(100), 100);
    assert.equal(samples(7).percentile(99), 7);
    assert.ok(Number.isNaN(samples().percentile(50)));
  });

  it('passes only when every ratio is within the target; a ratio without samples misses', () => {
    assert.equal(verdict([1.0, 1.3], 1.3), 'PASS');
    assert.equal(verdict([1.0, 1.31], 1.3), 'MISS');
    assert.equal(verdict([1.0, NaN], 1.3), 'MISS');
  });

  it('throughput per window counts from the start, then from the last item of the window before', () => {
    const finished = [500, 1000, 1500, 3000, 3500];
    assert.deepEqual(windowRates(finished, 0, 2), [
      { from: 1, to: 2, seconds: 1, perSecond: 2 },
      { from: 3, to: 4, seconds: 2, perSecond: 1 },
      { from: 5, to: 5, seconds: 0.5, perSecond: 2 },
    ]);
    assert.deepEqual(windowRates([], 0, 1000), []);
  });

  it('the pool never runs more tasks at once than its concurrency, and keeps the order of the results', async () => {
    let running = 0;
    let most = 0;
    const tasks = Array.from({ length: 20 }, (_, i) => async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return i;
    });
    assert.deepEqual(await runPool(tasks, 3), [...Array(20).keys()]);
    assert.equal(most, 3);
  });
});
