import { randomInt } from 'node:crypto';
import path from 'node:path';
import { parseEnv, runMain } from '../../lib/config';
import { projectRoot } from '../../scripts/temporal-binaries';
import { chaosOptions, ChaosEnvSchema, sandboxKeepsState } from './config';
import { passed, reportLines, resultJson } from './report';
import { runChaos } from './run';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * `npm run chaos`: CHAOS_CASES cases through the real API, by a desk bot, while the monkey kills workers,
 * Temporal and the sandbox and takes BRP down. Prints progress, a table and a JSON line; exits 1 when a
 * verdict is not 0.
 */
runMain(async () => {
  const env = parseEnv(ChaosEnvSchema);
  const runDir = path.join(projectRoot, 'test-artifacts', `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const options = chaosOptions(env, runDir, env.CHAOS_SEED ?? randomInt(2 ** 31));
  say(
    `chaos: ${options.cases} cases, at most ${options.openCases} open (CHAOS_CASES, CHAOS_OPEN_CASES); ` +
      `seed ${options.seed} (CHAOS_SEED); logs in ${path.relative(projectRoot, runDir)}/`,
  );
  if (options.killSandbox && !sandboxKeepsState()) {
    say('chaos: this sandbox has no SANDBOX_STATE_FILE yet, so its restart loses its state (CHAOS_KILL_SANDBOX=0)');
  }
  const interrupt = (): void => {
    say('chaos: interrupted');
    // Every child is killed on the way out (./processes, and the dev server's own exit hook).
    process.exit(130);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const result = await runChaos(options, say);
  for (const line of reportLines(result)) say(line);
  say(resultJson(result));
  if (!passed(result)) process.exitCode = 1;
});
