import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { generatePayloadKey } from '../lib/encryption';
import { DevEnvSchema, parseEnv, runMain } from '../lib/config';
import { projectRoot } from './temporal-binaries';
import { Supervisor, type ServiceRun } from './supervisor';
import { startDevServer } from './temporal-dev-server';

interface NodeService {
  name: string;
  entry: string;
  env: Record<string, string>;
}

/**
 * `make dev`: the Temporal dev server (Web UI, data in .data/), the agency sandbox (state in .data/), the worker and
 * the API, supervised: one that crashes is restarted with back-off, and the supervisor says so. Ctrl-C or SIGTERM
 * stops them all; only a configuration error, which no restart cures, stops the group by itself.
 */
runMain(async () => {
  const config = parseEnv(DevEnvSchema);
  const supervisor = new Supervisor({ say });
  let stopped: Promise<void> | undefined;

  // Every caller waits for the one stop: a second Ctrl-C, or a start failing under it, must not cut it short.
  const stopAll = async (exitCode: number): Promise<never> => {
    stopped ??= (async () => {
      say('stopping...');
      await supervisor.stop();
      say('stopped');
    })();
    await stopped;
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  supervisor.on('gave-up', () => void stopAll(1));

  try {
    await startStack(supervisor, config);
  } catch (err) {
    // What did start must not be left behind.
    say(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
});

/** Starts Temporal, then the sandbox, the worker and the API under `supervisor`, and says where they are. */
async function startStack(supervisor: Supervisor, config: z.infer<typeof DevEnvSchema>): Promise<void> {
  const dataDir = path.join(projectRoot, '.data');
  const temporalAddress = `127.0.0.1:${config.TEMPORAL_PORT}`;
  const payloadKeys =
    process.env.PAYLOAD_KEYS ||
    developmentSecret(path.join(dataDir, 'payload-keys'), () => generatePayloadKey(`dev-${today()}`));
  // The UI of the dev server has no login: a secret link to the codec stands in for the operator's token.
  const codecUrlToken = developmentSecret(path.join(dataDir, 'codec-token'), () =>
    randomBytes(24).toString('base64url'),
  );
  const codecEndpoint = `http://localhost:${config.API_PORT}/codec/t/${codecUrlToken}`;
  // The sandbox's /_admin shows e-mail addresses and can reset every agency: a token, even on this machine.
  const sandboxAdminToken = developmentSecret(path.join(dataDir, 'sandbox-admin-token'), () =>
    randomBytes(24).toString('base64url'),
  );
  // Seals the console's session cookies: kept, so that a restarted API keeps its officers signed in.
  const deskSessionSecret = developmentSecret(path.join(dataDir, 'desk-session-secret'), () =>
    randomBytes(32).toString('base64url'),
  );

  say(`starting Temporal dev server on ${temporalAddress} (data in .data/temporal.db, log in .data/logs/)...`);
  await supervisor.start({
    name: 'temporal',
    start: () =>
      startDevServer({
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal.db'),
        logFile: path.join(dataDir, 'logs', 'temporal.log'),
        uiCodecEndpoint: codecEndpoint,
        cliSettingsFile: path.join(dataDir, 'temporal-cli-env.yaml'),
      }),
  });

  // The dev server, whatever profile or API key the developer's shell or ~/.config/temporalio/temporal.toml holds:
  // the same file lets `npm run cases` and the Temporal CLI find it (TEMPORAL_CONFIG_FILE=.data/temporal.toml).
  const temporalConfigFile = path.join(dataDir, 'temporal.toml');
  writeFileSync(temporalConfigFile, `[profile.default]\naddress = "${temporalAddress}"\nnamespace = "default"\n`);
  const temporalEnv = { TEMPORAL_CONFIG_FILE: temporalConfigFile, TEMPORAL_ADDRESS: temporalAddress };
  // Beside it, the UI's address: the saved-query links of `npm run cases -- stuck` follow TEMPORAL_UI_PORT.
  const temporalUiUrl = `http://localhost:${config.TEMPORAL_UI_PORT}`;
  writeFileSync(path.join(dataDir, 'temporal-ui-url'), `${temporalUiUrl}\n`);

  const sandboxUrl = `http://127.0.0.1:${config.SANDBOX_PORT}`;
  const services: NodeService[] = [
    {
      name: 'sandbox',
      entry: 'dist/sandbox/main.js',
      env: {
        SANDBOX_PORT: String(config.SANDBOX_PORT),
        SANDBOX_STATE_FILE: path.join(dataDir, 'sandbox-state.json'),
        SANDBOX_CALLBACK_URL: `http://127.0.0.1:${config.API_PORT}/v1/agency-callbacks/ind`,
        // The API's development token of the agency role (API_TOKENS).
        SANDBOX_CALLBACK_TOKEN: 'dev-agency',
        SANDBOX_ADMIN_TOKEN: sandboxAdminToken,
      },
    },
    {
      name: 'worker',
      entry: 'dist/worker/main.js',
      env: {
        ...temporalEnv,
        PAYLOAD_KEYS: payloadKeys,
        BRP_URL_TEMPLATE: `${sandboxUrl}/brp/{municipalityCode}`,
        IND_URL: `${sandboxUrl}/ind`,
        NOTIFY_URL: `${sandboxUrl}/notify`,
        IND_CALLBACK_URL: `http://127.0.0.1:${config.API_PORT}/v1/agency-callbacks/ind`,
      },
    },
    {
      name: 'api',
      entry: 'dist/api/main.js',
      env: {
        ...temporalEnv,
        API_PORT: String(config.API_PORT),
        PAYLOAD_KEYS: payloadKeys,
        CODEC_URL_TOKEN: codecUrlToken,
        DESK_SESSION_SECRET: deskSessionSecret,
        DESK_SIGN_OUTS_FILE: path.join(dataDir, 'desk-sign-outs'),
        CODEC_CORS_ORIGINS: `http://localhost:${config.TEMPORAL_UI_PORT},http://127.0.0.1:${config.TEMPORAL_UI_PORT}`,
      },
    },
  ];
  for (const service of services) {
    // Exit code 2 is runMain's configuration error (a bad variable, an unreadable sandbox state file).
    await supervisor.start({ name: service.name, start: () => startNode(service), fatalExitCodes: [2] });
  }

  await waitForReady(`http://127.0.0.1:${config.API_PORT}/readyz`);
  say('');
  say('The one-stop-shop case orchestrator is running:');
  say(`  API           http://localhost:${config.API_PORT}   (GET /docs, /openapi.json, /healthz, /readyz)`);
  say(`  Desk console  http://localhost:${config.API_PORT}/desk   (sign in with a development role)`);
  say(`  Temporal UI   ${temporalUiUrl}`);
  say(`  Temporal      ${temporalAddress}   (namespace default)`);
  say(`  Agency sandbox ${sandboxUrl}   (GET /_admin/ledger, PUT /_admin/faults; state in .data/sandbox-state.json)`);
  say('                 /_admin wants -H "authorization: Bearer $(cat .data/sandbox-admin-token)"');
  say('A crashed worker, API, sandbox or Temporal is restarted. Press Ctrl-C to stop everything.');
}

/** A development secret (payload key, codec link, sandbox admin token): generated once, kept beside the database it protects. */
function developmentSecret(file: string, generate: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${generate()}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function say(line: string): void {
  process.stdout.write(`[dev] ${line}\n`);
}

function prefixLines(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
}

/** One run of a node process of this project, its output prefixed with its name. */
function startNode(service: NodeService): Promise<ServiceRun> {
  const child = spawn(process.execPath, [path.join(projectRoot, service.entry)], {
    env: { ...withoutTemporalConnection(process.env), ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(child, service.name);
  return Promise.resolve({ process: child, stop: () => terminate(child) });
}

/** The environment without the developer's own Temporal connection (TEMPORAL_API_KEY, TEMPORAL_TLS_*, a profile). */
function withoutTemporalConnection(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !/^TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|TLS|PROFILE|CONFIG_FILE|GRPC_META)/.test(name),
    ),
  );
}

/** SIGTERM, and SIGKILL after 15 s: longer than the worker's shutdown grace (WORKER_SHUTDOWN_GRACE_MS). */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function waitForReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not become ready within 5 minutes`);
}
