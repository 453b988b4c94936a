import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TemporalEnvSchema } from '../lib/config';
import type { TemporalTarget } from '../lib/temporal/connection';

/** The variables that choose a Temporal: any of them set, and the operator has chosen. */
const temporalChoices = Object.keys(TemporalEnvSchema.shape).filter((name) => name !== 'TEMPORAL_TASK_QUEUE');

/** The operator command's environment, and where its Temporal, payload keys and Temporal UI come from, in words. */
export interface OperatorEnvironment {
  env: NodeJS.ProcessEnv;
  temporalFrom: string;
  keysFrom: string;
  uiFrom: string;
}

/**
 * The environment, with what `make dev` wrote into `.data/` (of the working directory, the project's under
 * `npm run`) for what the operator left unset: its development payload keys (`.data/payload-keys`) when
 * `PAYLOAD_KEYS` is unset, its dev server's profile (`.data/temporal.toml`) when no TEMPORAL_* variable
 * chooses a Temporal, and, with that profile, its Web UI's address (`.data/temporal-ui-url`) when
 * `TEMPORAL_UI_URL` is unset. So `npm run cases` beside `make dev` needs no setup, and a set variable always wins.
 */
export function operatorEnvironment(given: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): OperatorEnvironment {
  const env = { ...given };
  const dev = (file: string): string | undefined => {
    const found = path.join(cwd, '.data', file);
    return existsSync(found) ? found : undefined;
  };
  const set = (name: string): boolean => (env[name] ?? '') !== '';

  let keysFrom = 'PAYLOAD_KEYS';
  const devKeys = set('PAYLOAD_KEYS') ? undefined : dev('payload-keys');
  if (devKeys) {
    env.PAYLOAD_KEYS = readFileSync(devKeys, 'utf8').trim();
    keysFrom = `${path.relative(cwd, devKeys)} (make dev)`;
  }

  const devProfile = temporalChoices.some(set) ? undefined : dev('temporal.toml');
  if (devProfile) env.TEMPORAL_CONFIG_FILE = devProfile;
  const profile = `profile "${env.TEMPORAL_PROFILE || 'default'}"`;
  const userFile = path.join(os.homedir(), '.config', 'temporalio', 'temporal.toml');
  const temporalFrom = devProfile
    ? `${path.relative(cwd, devProfile)} (make dev)`
    : set('TEMPORAL_ADDRESS')
      ? 'TEMPORAL_ADDRESS'
      : set('TEMPORAL_CONFIG_FILE')
        ? `${profile} of ${env.TEMPORAL_CONFIG_FILE}`
        : existsSync(userFile)
          ? `${profile} of ~/.config/temporalio/temporal.toml`
          : 'the default address';

  // Only the UI of the dev server it talks to: beside an operator's own Temporal, make dev's UI lists other cases.
  let uiFrom = set('TEMPORAL_UI_URL') ? 'TEMPORAL_UI_URL' : 'the default';
  const devUi = set('TEMPORAL_UI_URL') || !devProfile ? undefined : dev('temporal-ui-url');
  if (devUi) {
    env.TEMPORAL_UI_URL = readFileSync(devUi, 'utf8').trim();
    uiFrom = `${path.relative(cwd, devUi)} (make dev)`;
  }
  return { env, temporalFrom, keysFrom, uiFrom };
}

/** The first line the command writes (to stderr): which Temporal, which namespace, whose keys, which UI it links. */
export function environmentLine(target: TemporalTarget, environment: OperatorEnvironment, uiUrl: string): string {
  return (
    `Temporal ${target.address}, namespace ${target.namespace} (${target.security}), from ${environment.temporalFrom}; ` +
    `payload keys from ${environment.keysFrom}; Temporal UI ${uiUrl} from ${environment.uiFrom}`
  );
}
