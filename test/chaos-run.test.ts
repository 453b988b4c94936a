import assert from 'node:assert/strict';
import path from 'node:path';
import { sandboxKeepsState, stallTimeoutMs, type ChaosOptions } from '../bench/chaos/config';
import { reportLines } from '../bench/chaos/report';
import { runChaos } from '../bench/chaos/run';
import { projectRoot } from '../scripts/temporal-binaries';

/**
 * `npm run chaos` in small: separate processes for the API, two workers, the sandbox and Temporal, driven over
 * HTTP by the desk bot while each kind of process is killed once. The sandbox is killed only once it keeps its
 * state (`SANDBOX_STATE_FILE`); before that, its restart would lose every application, card and idempotency key.
 */
const options: ChaosOptions = {
  cases: 20,
  openCases: 20,
  workerKillEveryMs: 15_000,
  maxWorkerKills: 2,
  brpOutageMs: 10_000,
  killSandbox: sandboxKeepsState(),
  errorRate: 0.3,
  latencyMs: [5, 80],
  seed: 2026,
  stallTimeoutMs,
  runDir: path.join(projectRoot, 'test-artifacts', `chaos-run-${process.pid}`),
};

describe('npm run chaos, small', () => {
  const killed = options.killSandbox ? 'workers, Temporal and the sandbox are' : 'workers and Temporal are';
  it(`${options.cases} cases over HTTP complete while ${killed} killed and BRP is down`, async function () {
    // A safety net for a run that hangs; the run ends by itself (all cases finished, or 12 minutes without progress).
    this.timeout(30 * 60_000);
    const lines: string[] = [];
    const result = await runChaos(options, (line) => lines.push(line));
    const report = [...lines, ...reportLines(result)].join('\n');

    assert.deepEqual(
      result.verdicts,
      { lostCases: 0, wedged: 0, duplicateSideEffects: 0, missingSideEffects: 0, actionsNotExactlyOnce: 0 },
      report,
    );
    assert.equal(result.cases.completed, options.cases, report);
    const struck = result.timeline.map((d) => d.what);
    for (const what of [
      'kill worker-1',
      'kill Temporal',
      'BRP down',
      ...(options.killSandbox ? ['kill sandbox'] : []),
    ]) {
      assert.ok(struck.includes(what), `${what} never happened\n${report}`);
    }
  });
});
