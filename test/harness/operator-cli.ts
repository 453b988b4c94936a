import { execFile } from 'node:child_process';
import path from 'node:path';
import { temporal, testPayloadKeysSpec } from './temporal';

const cli = path.resolve(__dirname, '..', '..', 'operator', 'cases.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The compiled `npm run cases` as an operator runs it, against the test server. Asynchronous, so the calling
 * process's workers keep serving the case meanwhile.
 */
export function runCases(
  args: string[],
  env: { TEMPORAL_TASK_QUEUE: string; OPERATOR_ID?: string } & Record<string, string>,
): Promise<CliRun> {
  return runCasesIn(process.cwd(), args, { ...temporal().env, PAYLOAD_KEYS: testPayloadKeysSpec, ...env });
}

/** The same in `cwd`, with only `env` (and PATH, HOME): as an operator beside `make dev` starts it, unprepared. */
export function runCasesIn(cwd: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
        timeout: 60_000,
      },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}
