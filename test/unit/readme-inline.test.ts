import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../../api/openapi';
import { benchConfig } from '../../bench/config';
import { startSandbox, type StartedSandbox } from '../../sandbox/app';
import { service } from '../harness/compose-file';
import { blocksNotRun, commandsOf, inlineCommand, inlineCommands, inlineSpans, readme, shell } from '../harness/readme';

const root = path.resolve(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const makeTargets = [...read('Makefile').matchAll(/^([\w.-]+):/gm)].map(([, target]) => target!);

/** The operator command's own commands: `help`, and those its usage lists (`help` needs no Temporal). */
function operatorCommands(): string[] {
  const help = spawnSync(process.execPath, [path.join(root, 'dist', 'operator', 'cases.js'), 'help'], {
    encoding: 'utf8',
  });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^usage: npm run cases -- <command>/);
  return ['help', ...[...help.stdout.matchAll(/^ {2}([a-z-]+)/gm)].map(([, name]) => name!)];
}

/** Whether the API has `method route`; `{x}` or `...` stand for a segment, `{a,b}` for each of a and b. */
function apiHas(method: string, route: string): boolean {
  const bare = route.split('?')[0]!;
  const either = /\{([\w-]+(?:,[\w-]+)+)\}/.exec(bare);
  if (either) return either[1]!.split(',').every((one) => apiHas(method, bare.replace(either[0], one)));
  const wild = (segment: string): boolean => /^\{.+\}$/.test(segment) || segment === '...';
  const segments = bare.split('/');
  return Object.entries(openApiDocument().paths).some(([documented, operations]) => {
    const theirs = documented.split('/');
    return (
      method.toLowerCase() in (operations as object) &&
      theirs.length === segments.length &&
      theirs.every((segment, i) => segment === segments[i] || wild(segment) || wild(segments[i]!))
    );
  });
}

/** How each kind of inline command is checked without a Temporal server; the rest name the suite that runs them. */
const checks: [RegExp, (command: string, match: RegExpExecArray) => void | Promise<void>][] = [
  [/^npm ci$/, () => assert.ok(existsSync(path.join(root, 'package-lock.json')), 'npm ci needs package-lock.json')],
  [/^npm test$/, () => assert.ok(scripts.test, 'package.json has no test script')],
  // "under `npm run`": npm itself, no script.
  [/^npm run$/, () => undefined],
  [
    /^npm run ([\w:-]+)(?: -- (.+))?$/,
    (command, [, script, args]) => {
      assert.ok(scripts[script!], `package.json has no script "${script}" (README: ${command})`);
      if (args === undefined) return;
      if (script === 'cases') {
        const [name] = args.split(' ');
        assert.ok(operatorCommands().includes(name!), `npm run cases has no command "${name}"`);
      } else if (script === 'bench' && args === '--soak') assert.equal(benchConfig([args]).BENCH_MODE, 'soak');
      else assert.fail(`no check of the arguments of "${command}"`);
    },
  ],
  [/^make ([\w-]+)$/, (command, [, target]) => assert.ok(makeTargets.includes(target!), `Makefile: no ${command}`)],
  [
    /^npx mocha (\S+)$/,
    () => {
      assert.ok(existsSync(path.join(root, 'node_modules', '.bin', 'mocha')));
      const hooks = (JSON.parse(read('.mocharc.json')) as { require: string[] }).require;
      for (const file of hooks) assert.ok(existsSync(path.join(root, file)), `.mocharc.json requires ${file}`);
    },
  ],
  [
    /^node dist\/(\S+)\.js(?: \S+)?$/,
    (command, [, file]) => assert.ok(existsSync(path.join(root, `${file}.ts`)), `no ${file}.ts: ${command}`),
  ],
  [/^(GET|POST) (\/(?!_admin)\S+)$/, (command, [, method, route]) => assert.ok(apiHas(method!, route!), command)],
  [/^docker compose up$/, () => assert.ok(existsSync(path.join(root, 'docker-compose.yml')))],
  [
    /^docker compose run --rm (\S+) temporal .* --address (\w+):7233$/,
    (_command, [, job, frontend]) => {
      assert.match(service(job!).image ?? '', /^temporalio\/admin-tools:/, 'the job has the Temporal CLI');
      assert.match(service(frontend!).image ?? '', /^temporalio\/server:/);
    },
  ],
  [
    /^apt-get install postgresql$/,
    () => assert.match(read('scripts/cluster/postgres.sh'), /apt-get install postgresql/),
  ],
  [
    /^TEMPORAL_CONFIG_FILE=(\S+) TEMPORAL_PROFILE=(\w+) PAYLOAD_KEYS=\$\(cat (\S+)\) npm run cases -- stuck$/,
    (command, [, file, profile, keys]) => {
      // What `make cluster` writes and prints; test/readme-inline-commands.test.ts runs the line itself.
      assert.ok(read('scripts/cluster/up.sh').includes(`operators:  ${command.replace('$(', '\\$(')}`));
      assert.match(read('scripts/cluster/env.sh'), /^CLUSTER_DATA="\$CLUSTER_ROOT\/\.data\/cluster"$/m);
      assert.equal(file, '.data/cluster/temporal.toml');
      assert.match(read('scripts/cluster/env.sh'), /^CLUSTER_PROFILE_FILE="\$CLUSTER_DATA\/temporal\.toml"$/m);
      assert.match(read('scripts/cluster/up.sh'), new RegExp(`^\\[profile\\.${profile}\\]$`, 'm'));
      assert.equal(keys, '.data/cluster/payload-keys');
      assert.match(read('scripts/cluster/services.sh'), /\$\(secret payload-keys /);
    },
  ],
  // Run against a Temporal server by test/readme-inline-commands.test.ts and test/readme-commands.test.ts.
  [/^temporal workflow (list|show|reset) /, () => undefined],
  // The sandbox's /_admin routes and the IND decision's curl: run below against a sandbox.
  [/^(GET|POST|PUT|DELETE) (localhost:4000)?\/_admin\//, () => undefined],
  [/^curl -X POST localhost:4000\/_admin\/ind\/decide /, () => undefined],
];

/** The variables of the README's configuration table. */
const documentedVariables = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm)].map(([, name]) => name!));

/**
 * Checks `line` (`a && b`, each maybe after `VAR=value` settings, or `export VAR=value …`); returns the parts that no
 * check knows.
 */
async function check(line: string): Promise<string[]> {
  const unknown: string[] = [];
  const known = (command: string) =>
    checks.map(([pattern, run]) => [pattern.exec(command), run] as const).find(([match]) => match);
  for (const part of line.split(' && ')) {
    // A line of its own first (the cluster operator's, whose settings read files), else its settings, then the rest.
    const whole = known(part);
    if (whole) {
      await whole[1](part, whole[0]!);
      continue;
    }
    const settings = /^(export )?((?:[A-Z][A-Z0-9_]*=\S* +)*(?:[A-Z][A-Z0-9_]*=\S*$)?)/.exec(part)!;
    for (const [, name] of settings[2]!.matchAll(/([A-Z][A-Z0-9_]*)=/g)) {
      assert.ok(documentedVariables.has(name!), `${name} (in "${line}") has no row in the configuration table`);
    }
    const command = part.slice(settings[0].length).trim();
    const found = command === '' ? undefined : known(command);
    if (found) await found[1](command, found[0]!);
    else if (command !== '') unknown.push(command);
  }
  return unknown;
}

const unchecked =
  'that no test checks: add a check here, or make them a fenced block that test/readme-commands.test.ts runs';

describe('README: every command a reader would copy is checked', () => {
  it('knows how to check each inline command, and each is valid', async () => {
    const unknown: string[] = [];
    for (const command of inlineCommands()) unknown.push(...(await check(command)));
    assert.deepEqual(unknown, [], `inline commands of the README ${unchecked}`);
  });

  it('knows how to check each command of the sh blocks no suite runs, and each is valid', async () => {
    const commands = blocksNotRun().flatMap(commandsOf);
    assert.ok(
      commands.some((command) => command.startsWith('make dev')),
      commands.join('\n'),
    );
    const unknown: string[] = [];
    for (const command of commands) unknown.push(...(await check(command.replace(/\s+#.*$/, '').trim())));
    assert.deepEqual(unknown, [], `commands of the README's sh blocks ${unchecked}`);
  });

  describe("the sandbox's /_admin, as the README calls it", () => {
    const adminToken = 'readme-inline-admin-token-7f3a';
    let sandbox: StartedSandbox;
    let cwd: string;
    const admin = (method: string, route: string, body?: unknown): Promise<Response> =>
      fetch(`${sandbox.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    /** The JSON bodies the README gives inline (`{"agency":"brp","outage":true}`), parsed. */
    const bodies = (): Record<string, unknown>[] =>
      inlineSpans()
        .filter((span) => span.startsWith('{"') && span.endsWith('}'))
        .flatMap((span) => {
          try {
            return [JSON.parse(span) as Record<string, unknown>];
          } catch {
            return [];
          }
        });

    before(async () => {
      sandbox = await startSandbox({ adminToken });
      // Where `make dev` keeps the token the README's curl reads.
      cwd = mkdtempSync(path.join(tmpdir(), 'readme-inline-'));
      mkdirSync(path.join(cwd, '.data'));
      writeFileSync(path.join(cwd, '.data', 'sandbox-admin-token'), `${adminToken}\n`);
    });
    after(async () => {
      await sandbox?.close();
      rmSync(cwd, { recursive: true, force: true });
    });

    it('has every /_admin route the README names, for its method', async () => {
      const routes = inlineCommands().flatMap((c) => {
        const m = /^(GET|POST|PUT|DELETE) (?:localhost:4000)?(\/_admin\/\S+)$/.exec(c);
        return m ? [[m[1]!, m[2]!] as const] : [];
      });
      assert.ok(routes.length >= 4, JSON.stringify(routes));
      for (const [method, route] of routes) {
        const res = await admin(method, route, method === 'GET' ? undefined : {});
        // An empty body is refused (400) or, for reset, done (204): either way the route exists.
        assert.notEqual(res.status, 404, `${method} ${route} answered 404: ${await res.text()}`);
      }
    });

    it("files a sponsor's application with the README's fields, and decides it with the README's curl", async () => {
      const fields = inlineSpans().find((span) => /^\{"applicationNumber",/.test(span));
      assert.ok(fields, 'the README no longer lists the fields of a sponsor filing');
      const example: Record<string, string> = {
        applicationNumber: 'IND-2026-README1',
        purpose: 'highly-skilled-migrant',
        sponsorNumber: 'RS-README-1',
        receivedAt: new Date().toISOString(),
      };
      const names = [...fields.matchAll(/"(\w+)"/g)].map(([, name]) => name!);
      assert.deepEqual(names, Object.keys(example), `README: ${fields}`);
      const filed = await admin('POST', '/_admin/ind/applications', example);
      assert.equal(filed.status, 201, await filed.clone().text());

      const curl = inlineCommand('curl -X POST localhost:4000/_admin/ind/decide');
      assert.ok(curl.includes('"IND-..."'), curl);
      const run = await shell(
        curl.replace('localhost:4000', new URL(sandbox.url).host).replace('IND-...', example.applicationNumber!),
        {},
        cwd,
      );
      assert.equal(run.code, 0, run.stderr);
      const answer = JSON.parse(run.stdout) as { applicationNumber: string; status: string };
      assert.deepEqual([answer.applicationNumber, answer.status], [example.applicationNumber, 'granted'], run.stdout);
    });

    it('takes the bodies the README gives for card-ready and faults', async () => {
      const cardReady = bodies().find((body) => 'orderId' in body);
      assert.deepEqual(cardReady, { orderId: '...' });
      const unknownCard = await admin('POST', '/_admin/ind/card-ready', cardReady);
      assert.equal(unknownCard.status, 404);
      assert.equal(((await unknownCard.json()) as { type: string }).type, 'card-order-not-found');

      const faults = bodies().filter((body) => 'agency' in body);
      assert.equal(faults.length, 2, JSON.stringify(faults));
      for (const fault of faults) {
        const res = await admin('PUT', '/_admin/faults', fault);
        assert.equal(res.status, 200, `${JSON.stringify(fault)}: ${await res.text()}`);
      }
      assert.equal((await admin('POST', '/_admin/reset')).status, 204);
    });
  });
});
