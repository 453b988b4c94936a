import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { temporalCliPath } from './temporal-binaries';

export interface DevServerOptions {
  port: number;
  /** Web UI port; omitted runs the server headless. */
  uiPort?: number;
  /** SQLite file that keeps cases across restarts; omitted keeps everything in memory. */
  dbFile?: string;
  /** Where the server's own output goes. */
  logFile: string;
  /**
   * Codec server the Web UI calls to decode payloads. Its URL may hold a secret (`/codec/t/<secret>`), so the CLI
   * reads it from `cliSettingsFile`, never from its command line, which `ps` shows every user of the machine.
   */
  uiCodecEndpoint?: string;
  /** Where the CLI's settings for this server are written (0600); default: beside `logFile`. */
  cliSettingsFile?: string;
  /** How long to wait for the frontend to answer, in milliseconds. */
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const cliTypes: Record<string, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  DATETIME: 'Datetime',
  BOOL: 'Bool',
  INT: 'Int',
  DOUBLE: 'Double',
  TEXT: 'Text',
};

const reportedProblemsAfter = 'system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute';
/** Consecutive failed workflow tasks after which Temporal reports the case's problem (Temporal Cloud uses 5). */
export const workflowTaskProblemsToReport = 2;

/**
 * Starts `temporal server start-dev` with every case search attribute registered and waits, with our own
 * timeout, until its frontend answers. The SDK's ephemeral server allows only 5 s, too tight on 2 loaded cores.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'error'];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  // `--env default`: a TEMPORAL_ENV of the developer's shell must not pick an environment the file does not have.
  if (options.uiCodecEndpoint) args.push('--env-file', writeCliSettings(options), '--env', 'default');
  for (const key of caseSearchAttributes) args.push('--search-attribute', `${key.name}=${cliTypes[key.type]}`);
  // Marks a case whose workflow tasks keep failing in TemporalReportedProblems (off by default when self-hosted).
  args.push('--dynamic-config-value', `${reportedProblemsAfter}=${workflowTaskProblemsToReport}`);

  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // Its own process group: a Ctrl-C in the terminal must not stop the server before the worker has drained.
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  // `make dev` restarts a server that died; each dead one must give its listener back.
  child.once('exit', () => process.off('exit', killOnExit));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${options.port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    process.off('exit', killOnExit);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `temporal server start-dev exited with code ${child.exitCode} before it was ready; see ${options.logFile}`,
      );
    }
    if (await answers(address)) return { address, process: child, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `Temporal dev server did not answer on ${address} within ${options.readyTimeoutMs ?? 90_000} ms; see ${options.logFile}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The CLI's environment file (`--env-file`, YAML): each key is a flag of the command, read when the flag is not on
 * the command line. The CLI calls this format deprecated, in favour of the TOML profiles, but those hold only the
 * connection settings of client commands; 1.9.1 still reads it for every flag, and a CLI that no longer knows
 * `--env-file` refuses to start rather than fall back to the command line. It also keeps the developer's own
 * `~/.config/temporalio/temporal.yaml` out of the dev server.
 */
function writeCliSettings(options: DevServerOptions): string {
  const file =
    options.cliSettingsFile ??
    path.join(path.dirname(options.logFile), `${path.basename(options.logFile, '.log')}.cli-env.yaml`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `env:\n  default:\n    ui-codec-endpoint: ${JSON.stringify(options.uiCodecEndpoint)}\n`, {
    mode: 0o600,
  });
  // The mode of writeFileSync applies only to a new file: an older one keeps its own.
  chmodSync(file, 0o600);
  return file;
}

async function answers(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    const ready = connection;
    await ready.withDeadline(Date.now() + 1000, () =>
      ready.workflowService.describeNamespace({ namespace: 'default' }),
    );
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}
