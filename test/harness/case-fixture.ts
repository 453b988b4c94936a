import type { CaseWorkers } from '../../worker/create-worker';
import { startSandbox, type SandboxOptions, type StartedSandbox } from '../../sandbox/app';
import { sandboxAdmin, testSandboxAdminToken } from './sandbox-admin';
import { caseWorkers, uniqueTaskQueue, type CaseWorkersOptions } from './temporal';

export interface CaseStackOptions {
  /** Names each test's task queue, to find its tasks in the Temporal UI. */
  name: string;
  /** Options of the suite's agency sandbox (e.g. a fixed fault `seed`). */
  sandbox?: SandboxOptions;
}

export type WorkerOptions = Omit<CaseWorkersOptions, 'sandboxUrl'>;

/** What a case test runs against: one sandbox per suite, one task queue per test, real workers on it. */
export interface CaseStack {
  readonly sandbox: StartedSandbox;
  /** The sandbox's `/_admin` API: decisions, cards, faults, the ledger. */
  readonly admin: ReturnType<typeof sandboxAdmin>;
  /** The current test's own task queue. */
  readonly taskQueue: string;
  /** Case and agency workers on the current test's task queue, against the sandbox; the caller runs them. */
  workers(options?: WorkerOptions): Promise<CaseWorkers>;
  /** Runs such workers for as long as `fn` runs. */
  runWorkers<T>(fn: () => Promise<T>, options?: WorkerOptions): Promise<T>;
}

/**
 * Registers the mocha hooks of a case suite in the calling `describe`: a sandbox started before it and closed
 * after it, a fresh task queue before each test, and the sandbox's faults cleared after each test, so a test
 * that fails mid-outage cannot leave the next one an agency that is down.
 */
export function useCaseStack(options: CaseStackOptions): CaseStack {
  let sandbox: StartedSandbox | undefined;
  let admin: ReturnType<typeof sandboxAdmin> | undefined;
  let taskQueue: string | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useCaseStack: no ${what} outside a test of its describe`);
    return value;
  };

  before(async () => {
    sandbox = await startSandbox({ adminToken: testSandboxAdminToken, ...options.sandbox });
    admin = sandboxAdmin(sandbox.url, testSandboxAdminToken);
  });
  after(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    taskQueue = uniqueTaskQueue(options.name);
  });
  afterEach(async () => {
    await admin?.clearFaults();
  });

  const stack: CaseStack = {
    get sandbox() {
      return started(sandbox, 'sandbox');
    },
    get admin() {
      return started(admin, 'sandbox');
    },
    get taskQueue() {
      return started(taskQueue, 'task queue');
    },
    workers: (workerOptions = {}) => caseWorkers(stack.taskQueue, { ...workerOptions, sandboxUrl: stack.sandbox.url }),
    runWorkers: async (fn, workerOptions) => (await stack.workers(workerOptions)).runUntil(fn),
  };
  return stack;
}
