import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporalCliPath } from '../scripts/temporal-binaries';
import { inlineCommand, inlineCommands, ok, shell } from './harness/readme';
import { temporal, testPayloadKeysSpec } from './harness/temporal';

const operatorCli = path.resolve(__dirname, '..', 'operator', 'cases.js');

/** The README's `<placeholder>`s filled in, as a reader would; fails on one the test does not know. */
function filled(command: string, values: Record<string, string>): string {
  const result = command.replace(/<([\w ]+)>/g, (all, name: string) => values[name] ?? all);
  assert.doesNotMatch(result, /<[\w ]+>/, `a placeholder the test does not fill: ${result}`);
  return result;
}

/** The Temporal CLI of the harness in place of the reader's `temporal` on PATH. */
const withOurCli = (command: string): string => command.replace(/^temporal /, '$T ').replace(/ temporal /, ' $T ');

describe("README: the inline Temporal CLI and cluster operator commands, run against the tests' server", function () {
  this.timeout(120_000);
  let env: Record<string, string>;
  before(() => {
    env = { T: temporalCliPath(), TEMPORAL_ADDRESS: temporal().address, TEMPORAL_NAMESPACE: temporal().namespace };
  });

  it('runs each inline Temporal CLI command of the README here or in test/readme-commands.test.ts', () => {
    const runHere = ['temporal workflow list --query', 'temporal workflow reset'];
    const runThere = ['temporal workflow show'];
    const cli = inlineCommands().filter((command) => command.startsWith('temporal '));
    for (const command of cli) {
      assert.ok(
        [...runHere, ...runThere].some((start) => command.startsWith(start)),
        `no test runs the README's "${command}"`,
      );
    }
  });

  it('lists the cases started before a deploy, with the query of "Changing the workflow safely"', async () => {
    const command = filled(inlineCommand('temporal workflow list --query'), {
      'deploy time': new Date().toISOString(),
    });
    ok(await shell(withOurCli(command), env));
  });

  it("takes the flags of the runbook's reset: the server is asked, and answers that there is no such case", async () => {
    const command = filled(inlineCommand('temporal workflow reset'), {
      caseId: 'case-BK-README-NO-SUCH-CASE',
      why: 'README check',
    });
    const run = await shell(withOurCli(command), env);
    assert.notEqual(run.code, 0);
    assert.doesNotMatch(run.stderr, /invalid argument|required flag|unknown (flag|shorthand)/, run.stderr);
    assert.match(run.stderr, /not found/i, run.stderr);
  });

  it("takes the flags of docker compose's CLI line (here against this server, not the compose file's)", async () => {
    const command = inlineCommand('docker compose run --rm temporal-setup temporal ');
    const cli = withOurCli(command.slice(command.indexOf(' temporal ') + 1)).replace(
      'temporal:7233',
      env.TEMPORAL_ADDRESS!,
    );
    ok(await shell(cli, env));
  });

  it("runs the cluster operator's line, on the profile and keys make cluster leaves in .data/cluster/", async () => {
    const line = inlineCommand('TEMPORAL_CONFIG_FILE=.data/cluster/temporal.toml');
    const dir = mkdtempSync(path.join(tmpdir(), 'readme-cluster-'));
    try {
      mkdirSync(path.join(dir, '.data', 'cluster'), { recursive: true });
      // The cluster's profile without its mTLS: this server is the tests' plaintext one.
      writeFileSync(
        path.join(dir, '.data', 'cluster', 'temporal.toml'),
        `[profile.cluster]\naddress = "${temporal().address}"\nnamespace = "${temporal().namespace}"\n`,
      );
      writeFileSync(path.join(dir, '.data', 'cluster', 'payload-keys'), `${testPayloadKeysSpec}\n`);
      assert.match(line, / npm run cases -- stuck$/);
      const run = await shell(line.replace('npm run cases --', `node ${operatorCli}`), { HOME: dir }, dir);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /^Temporal \S+, namespace \S+ \(plaintext\), from profile "cluster" of \.data\/cluster\/temporal\.toml; payload keys from PAYLOAD_KEYS;/,
      );
      assert.match(run.stdout, /Saved queries in the Temporal UI/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
