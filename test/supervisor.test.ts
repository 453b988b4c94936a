import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Supervisor, type ServiceRun, type SupervisedService, type SupervisorOptions } from '../scripts/supervisor';

/** Programs for the supervised children: one that runs until stopped, one that crashes at once. */
const runsUntilStopped = 'setInterval(() => {}, 1 << 30)';
const crashes = (code: number) => `process.exit(${code})`;

/** Everything one test spawned, so none outlives it. */
const spawned: ChildProcess[] = [];

function runNode(program: string): ServiceRun {
  const child = spawn(process.execPath, ['-e', program], { stdio: 'ignore' });
  spawned.push(child);
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function service(name: string, program: string, extra: Partial<SupervisedService> = {}): SupervisedService {
  return { name, start: () => Promise.resolve(runNode(program)), ...extra };
}

/**
 * A supervisor with short delays and a clock the test moves, so nothing below depends on how fast a busy machine
 * is; every wait is for an event, never for a length of time.
 */
function supervised(options: Partial<SupervisorOptions> = {}) {
  const lines: string[] = [];
  const clock = { now: 0 };
  const waiting = new Set<() => void>();
  const supervisor = new Supervisor({
    say: (line) => {
      lines.push(line);
      for (const check of waiting) check();
    },
    initialDelayMs: 50,
    maxDelayMs: 200,
    now: () => clock.now,
    ...options,
  });
  /** Resolves with the lines said so far once `count` of them match. */
  const said = (pattern: RegExp, count = 1): Promise<string[]> =>
    new Promise((resolve) => {
      const check = (): void => {
        const matching = lines.filter((line) => pattern.test(line));
        if (matching.length < count) return;
        waiting.delete(check);
        resolve(matching);
      };
      waiting.add(check);
      check();
    });
  /** The pid of the next run of `name` to start. */
  const nextStart = (name: string): Promise<number | undefined> =>
    new Promise((resolve) => {
      const onStarted = (started: string, pid: number | undefined): void => {
        if (started !== name) return;
        supervisor.off('started', onStarted);
        resolve(pid);
      };
      supervisor.on('started', onStarted);
    });
  return { supervisor, lines, clock, said, nextStart };
}

describe('make dev: the supervisor of its processes', function () {
  this.timeout(180_000);
  let stopSupervisor: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopSupervisor?.();
    stopSupervisor = undefined;
    for (const child of spawned.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const start = (options?: Partial<SupervisorOptions>) => {
    const harness = supervised(options);
    stopSupervisor = () => harness.supervisor.stop();
    return harness;
  };

  it('restarts a process that keeps crashing, doubling the delay up to the cap, and says so each time', async () => {
    const { supervisor, said } = start();
    await supervisor.start(service('crasher', crashes(3)));
    const exits = await said(/^crasher exited/, 5);
    assert.deepEqual(exits.slice(0, 5), [
      'crasher exited (code 3); restarting in 50 ms (restart 1)',
      'crasher exited (code 3); restarting in 100 ms (restart 2)',
      'crasher exited (code 3); restarting in 200 ms (restart 3)',
      'crasher exited (code 3); restarting in 200 ms (restart 4)',
      'crasher exited (code 3); restarting in 200 ms (restart 5)',
    ]);
    const restarts = await said(/^crasher restarted/, 4);
    const pids = restarts.map((line) => /\(pid (\d+)\)$/.exec(line)?.[1]);
    assert.equal(new Set(pids).size, pids.length, `each restart is a new process: ${pids.join(', ')}`);
  });

  it('brings back a process killed with SIGKILL, and starts the back-off afresh after a run that stayed up', async () => {
    const { supervisor, clock, said, nextStart } = start();
    const first = nextStart('worker');
    await supervisor.start(service('worker', runsUntilStopped));
    let pid = await first;

    const kill = async (): Promise<number | undefined> => {
      const next = nextStart('worker');
      process.kill(pid!, 'SIGKILL');
      const restarted = await next;
      assert.notEqual(restarted, pid);
      return restarted;
    };
    pid = await kill();
    pid = await kill();
    clock.now += 60_000;
    pid = await kill();
    assert.deepEqual(await said(/^worker exited/, 3), [
      'worker exited (signal SIGKILL); restarting in 50 ms (restart 1)',
      'worker exited (signal SIGKILL); restarting in 100 ms (restart 2)',
      'worker exited (signal SIGKILL); restarting in 50 ms (restart 1)',
    ]);
    assert.equal(process.kill(pid!, 0), true, 'the last run is up');
  });

  it('retries a start that fails, with the same back-off, and rejects a first start that fails', async () => {
    const { supervisor, said } = start();
    let calls = 0;
    const flaky: SupervisedService = {
      name: 'temporal',
      start: () => {
        calls += 1;
        if (calls === 1) return Promise.resolve(runNode(crashes(1)));
        if (calls <= 3) return Promise.reject(new Error('port 7233 is in use'));
        return Promise.resolve(runNode(runsUntilStopped));
      },
    };
    await supervisor.start(flaky);
    await said(/^temporal restarted/);
    assert.deepEqual((await said(/^temporal (exited|failed)/, 3)).slice(0, 3), [
      'temporal exited (code 1); restarting in 50 ms (restart 1)',
      'temporal failed to start (port 7233 is in use); restarting in 100 ms (restart 2)',
      'temporal failed to start (port 7233 is in use); restarting in 200 ms (restart 3)',
    ]);
    await assert.rejects(
      supervisor.start({ name: 'api', start: () => Promise.reject(new Error('no such file')) }),
      /no such file/,
    );
  });

  it('gives up on an exit code no restart cures, and says why', async () => {
    const { supervisor, lines } = start();
    const gaveUp = once(supervisor, 'gave-up');
    await supervisor.start(service('sandbox', crashes(2), { fatalExitCodes: [2] }));
    assert.deepEqual(await gaveUp, ['sandbox']);
    // The restart line would have been said in the same turn as the exit: there is none.
    assert.deepEqual(lines, ['sandbox exited (code 2); not restarting it: a restart would fail the same way']);
  });

  it('stops every run, the last started first, and neither reports nor restarts what it stopped', async () => {
    const { supervisor, lines, said } = start({ initialDelayMs: 600_000, maxDelayMs: 600_000 });
    const stopped: string[] = [];
    const recorded = (name: string): SupervisedService => ({
      name,
      start: () => {
        const run = runNode(runsUntilStopped);
        return Promise.resolve({ process: run.process, stop: () => run.stop().then(() => void stopped.push(name)) });
      },
    });
    await supervisor.start(recorded('temporal'));
    await supervisor.start(service('crasher', crashes(1)));
    await supervisor.start(recorded('api'));
    await said(/^crasher exited/);
    const children = [...spawned];

    await supervisor.stop();
    stopSupervisor = undefined;
    assert.deepEqual(stopped, ['api', 'temporal']);
    for (const child of children)
      assert.ok(child.exitCode !== null || child.signalCode !== null, 'a child outlived stop');
    assert.deepEqual(lines, ['crasher exited (code 1); restarting in 600 s (restart 1)']);
  });

  it('stops a run that comes up while it is stopping', async () => {
    const { supervisor, said } = start();
    let release: ((run: ServiceRun) => void) | undefined;
    let calls = 0;
    await supervisor.start({
      name: 'temporal',
      start: () => {
        calls += 1;
        if (calls === 1) return Promise.resolve(runNode(crashes(1)));
        return new Promise<ServiceRun>((resolve) => (release = resolve));
      },
    });
    await said(/^temporal exited/);
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    const stopping = supervisor.stop();
    const late = runNode(runsUntilStopped);
    release(late);
    await stopping;
    stopSupervisor = undefined;
    assert.equal(late.process.signalCode, 'SIGTERM');
  });
});
