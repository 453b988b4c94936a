import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../scripts/temporal-binaries';
import { startDevServer, type DevServer } from '../scripts/temporal-dev-server';
import { eventually } from './harness/eventually';
import { freePort } from './harness/ports';

describe("make dev: the codec link's secret stays off the Temporal CLI's command line", function () {
  this.timeout(120_000);
  let server: DevServer | undefined;
  const savedTemporalEnv = process.env.TEMPORAL_ENV;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dev-server-secrets-'));

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (savedTemporalEnv === undefined) delete process.env.TEMPORAL_ENV;
    else process.env.TEMPORAL_ENV = savedTemporalEnv;
  });

  it('hands the UI its codec endpoint in a 0600 file, whatever TEMPORAL_ENV the shell has', async () => {
    const secret = randomBytes(24).toString('base64url');
    const endpoint = `http://localhost:3000/codec/t/${secret}`;
    const settings = path.join(dir, 'temporal-cli-env.yaml');
    // A file left by an older run with a looser mode, and a developer's shell that names another environment.
    writeFileSync(settings, 'env: {}\n', { mode: 0o644 });
    process.env.TEMPORAL_ENV = 'staging';
    const logFile = path.join(projectRoot, 'test-artifacts', 'temporal-dev-server-secrets.log');
    // A free port can be taken by another process's outgoing connection before the server binds it (seen once in a
    // full run: "bind: address already in use"): then the start is tried again on new ports, at most three times.
    let uiPort = 0;
    for (let attempt = 1; ; attempt += 1) {
      uiPort = await freePort();
      try {
        server = await startDevServer({
          port: await freePort(),
          uiPort,
          uiCodecEndpoint: endpoint,
          cliSettingsFile: settings,
          logFile,
        });
        break;
      } catch (err) {
        if (attempt === 3 || !readFileSync(logFile, 'utf8').includes('address already in use')) throw err;
      }
    }

    const commandLine = readFileSync(`/proc/${server.process.pid}/cmdline`, 'utf8').split('\0').join(' ');
    assert.match(commandLine, /server start-dev/);
    assert.ok(!commandLine.includes(secret), `the secret is on the command line: ${commandLine}`);
    assert.equal(statSync(settings).mode & 0o777, 0o600, 'only its owner reads the settings file');

    const codec = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`);
      return res.ok ? ((await res.json()) as { Codec: { Endpoint: string } }).Codec : undefined;
    }, 30_000);
    assert.equal(codec.Endpoint, endpoint, 'the UI decodes through the codec link');
  });
});
