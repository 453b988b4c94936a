import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SearchAttributeType } from '@temporalio/common';
import { ApiEnvSchema, WorkerEnvSchema } from '../../lib/config';
import { SandboxEnvSchema } from '../../sandbox/config';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import {
  compose,
  envconfigVariables,
  environment,
  names,
  root,
  service,
  services,
  text,
} from '../harness/compose-file';

const cliTypes: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

describe('deployment: docker-compose.yml and the Dockerfile agree with the code', () => {
  it('every depends_on names a service that exists', () => {
    for (const [name, svc] of services) {
      for (const dependency of names(svc.depends_on)) {
        assert.ok(dependency in compose.services, `${name} depends on unknown service "${dependency}"`);
      }
    }
  });

  it('every build context is a directory holding its Dockerfile', () => {
    for (const [name, svc] of services) {
      if (svc.build === undefined) continue;
      const context = path.resolve(root, typeof svc.build === 'string' ? svc.build : (svc.build.context ?? '.'));
      const dockerfile = (typeof svc.build === 'string' ? undefined : svc.build.dockerfile) ?? 'Dockerfile';
      assert.ok(existsSync(context) && statSync(context).isDirectory(), `${name}: no build context ${context}`);
      assert.ok(existsSync(path.join(context, dockerfile)), `${name}: no ${dockerfile} in ${context}`);
    }
  });

  it('every built service runs `node dist/X.js` for an X.ts that exists', () => {
    for (const [name, svc] of services) {
      if (svc.build === undefined) continue;
      // Without a command the image's default CMD would run: the API, under another service's name.
      const entry = /\bnode dist\/(\S+)\.js\b/.exec(text(svc.command))?.[1];
      assert.ok(entry, `${name} builds the image but runs no \`node dist/X.js\` command`);
      assert.ok(
        existsSync(path.join(root, `${entry}.ts`)),
        `${name} runs dist/${entry}.js but ${entry}.ts does not exist`,
      );
    }
  });

  it('runs two workers', () => {
    assert.equal(service('worker').deploy?.replicas, 2);
  });

  it("the Dockerfile's final stage runs as a non-root user", () => {
    const stages = readFileSync(path.join(root, 'Dockerfile'), 'utf8').split(/^FROM\s/im);
    const users = [...(stages.at(-1) ?? '').matchAll(/^USER\s+(\S+)/gim)].map((m) => m[1]?.split(':')[0]);
    assert.ok(users.length > 0, 'the final stage has no USER, so it runs as root');
    assert.ok(!['root', '0'].includes(users.at(-1) ?? 'root'), `the final stage runs as ${users.at(-1)}`);
  });

  it('registers exactly the search attributes the workflows use, with their types', () => {
    const registered = services.flatMap(([, svc]) =>
      [
        ...`${text(svc.entrypoint)}\n${text(svc.command)}`.matchAll(
          /search-attribute create\b.*?--name (\S+) --type (\S+)/g,
        ),
      ].map((m) => `${m[1]}:${m[2]}`),
    );
    const expected = caseSearchAttributes.map((key) => `${key.name}:${cliTypes[key.type]}`);
    assert.deepEqual(registered.sort(), expected.sort());
  });

  it('every process listens on all interfaces of its container, since the processes bind loopback by default', () => {
    assert.equal(environment(service('api')).get('API_HOST'), '0.0.0.0');
    assert.equal(environment(service('sandbox')).get('SANDBOX_HOST'), '0.0.0.0');
    assert.match(environment(service('worker')).get('WORKER_METRICS_ADDRESS') ?? '', /^0\.0\.0\.0:\d+$/);
    assert.match(environment(service('worker')).get('WORKER_REPORT_METRICS_ADDRESS') ?? '', /^0\.0\.0\.0:\d+$/);
  });

  it('the API (NODE_ENV=production in the image) gets no development token, and JWT settings it must be given', () => {
    assert.match(readFileSync(path.join(root, 'Dockerfile'), 'utf8'), /^ENV NODE_ENV=production\b/m);
    const env = environment(service('api'));
    assert.ok(env.has('API_TOKENS'), 'unset, API_TOKENS is the development tokens, which production refuses');
    assert.doesNotMatch(env.get('API_TOKENS')!, /(^|,)dev-/);
    assert.equal(env.get('API_TOKENS')!.split('=')[0], environment(service('sandbox')).get('SANDBOX_CALLBACK_TOKEN'));
    for (const name of ['JWT_JWKS_URL', 'JWT_ISSUER'])
      assert.match(env.get(name) ?? '', /^\$\{\w+:\?/, `${name} is required`);
    assert.ok(env.get('JWT_AUDIENCE'), 'production needs JWT_AUDIENCE set explicitly');
  });

  for (const [name, schema] of [
    ['api', ApiEnvSchema],
    ['worker', WorkerEnvSchema],
    ['sandbox', SandboxEnvSchema],
  ] as const) {
    it(`${name} sets only environment variables its config schema knows`, () => {
      const known = [...Object.keys(schema.shape), ...(name === 'sandbox' ? [] : envconfigVariables)];
      for (const variable of environment(service(name)).keys()) {
        assert.ok(known.includes(variable), `${name}: unknown variable ${variable}`);
      }
    });
  }

  for (const name of ['api', 'worker']) {
    it(`${name} finds Temporal by service name`, () => {
      const host = environment(service(name)).get('TEMPORAL_ADDRESS')?.split(':')[0] ?? 'localhost';
      assert.ok(host in compose.services, `${name}: TEMPORAL_ADDRESS points at ${host}, not at a compose service`);
    });
  }
});
