import assert from 'node:assert/strict';
import { parseApiEnv } from '../../api/config';
import { ApiEnvSchema, ConfigError, parseEnv, WorkerEnvSchema } from '../../lib/config';
import { caseSettingsFrom } from '../../lib/case-settings-config';
import { SandboxEnvSchema } from '../../sandbox/config';
import { testPayloadKeysSpec } from '../fixtures/payload-key';

const keys = { PAYLOAD_KEYS: testPayloadKeysSpec };
const production = {
  ...keys,
  NODE_ENV: 'production',
  API_TOKENS: '',
  JWT_SECRET: 'a-shared-secret-of-at-least-32-characters!',
  JWT_ISSUER: 'https://login.example.nl',
  JWT_AUDIENCE: 'one-stop-shop',
};

function refused(parse: () => unknown, message: RegExp): void {
  assert.throws(parse, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

describe('configuration: an empty variable is empty, not unset', () => {
  it('API_TOKENS= leaves no static token, where unset gives the development ones', () => {
    assert.equal(parseEnv(ApiEnvSchema, { ...keys, API_TOKENS: '' }).API_TOKENS, '');
    assert.match(parseEnv(ApiEnvSchema, keys).API_TOKENS, /dev-operator=/);
  });

  it('an empty metrics address disables it; unset, it binds loopback', () => {
    const disabled = parseEnv(WorkerEnvSchema, {
      ...keys,
      WORKER_METRICS_ADDRESS: '',
      WORKER_REPORT_METRICS_ADDRESS: '',
    });
    assert.equal(disabled.WORKER_METRICS_ADDRESS, '');
    assert.equal(disabled.WORKER_REPORT_METRICS_ADDRESS, '');
    const unset = parseEnv(WorkerEnvSchema, keys);
    assert.equal(unset.WORKER_METRICS_ADDRESS, '127.0.0.1:9464');
    assert.equal(unset.WORKER_REPORT_METRICS_ADDRESS, '127.0.0.1:9465');
    refused(
      () => parseEnv(WorkerEnvSchema, { ...keys, WORKER_METRICS_ADDRESS: '9464' }),
      /WORKER_METRICS_ADDRESS="9464": expected host:port/,
    );
  });

  it('the API and the sandbox listen on loopback unless told otherwise', () => {
    assert.equal(parseEnv(ApiEnvSchema, keys).API_HOST, '127.0.0.1');
    assert.equal(parseEnv(ApiEnvSchema, { ...keys, API_HOST: '0.0.0.0' }).API_HOST, '0.0.0.0');
    assert.equal(parseEnv(SandboxEnvSchema, {}).SANDBOX_HOST, '127.0.0.1');
    refused(() => parseEnv(SandboxEnvSchema, { SANDBOX_HOST: '' }), /^Invalid configuration: SANDBOX_HOST is empty: /);
  });

  it('an empty optional setting means none: no JWT secret, no codec link, no seed, no state file', () => {
    const api = parseEnv(ApiEnvSchema, {
      ...keys,
      JWT_SECRET: '',
      JWT_JWKS_URL: '',
      JWT_ISSUER: '',
      CODEC_URL_TOKEN: '',
    });
    assert.deepEqual(
      [api.JWT_SECRET, api.JWT_JWKS_URL, api.JWT_ISSUER, api.CODEC_URL_TOKEN],
      [undefined, undefined, undefined, undefined],
    );
    const sandbox = parseEnv(SandboxEnvSchema, {
      SANDBOX_SEED: '',
      SANDBOX_STATE_FILE: '',
      SANDBOX_REJECTED_POSTCODES: '',
    });
    assert.deepEqual([sandbox.SANDBOX_SEED, sandbox.SANDBOX_STATE_FILE], [undefined, undefined]);
    assert.deepEqual(sandbox.SANDBOX_REJECTED_POSTCODES, []);
  });

  for (const [schema, name] of [
    [ApiEnvSchema, 'API_PORT'],
    [ApiEnvSchema, 'READINESS_TIMEOUT_MS'],
    [ApiEnvSchema, 'TEMPORAL_ADDRESS'],
    [ApiEnvSchema, 'JWT_AUDIENCE'],
    [ApiEnvSchema, 'JWT_MAX_LIFETIME'],
    [WorkerEnvSchema, 'WORKER_SHUTDOWN_GRACE_MS'],
    [WorkerEnvSchema, 'IND_URL'],
    [WorkerEnvSchema, 'CASE_BSN_NORM'],
    [SandboxEnvSchema, 'SANDBOX_DECISION_DELAY_MS'],
  ] as const) {
    it(`an empty ${name} is refused by name, not read as 0 or as its default`, () => {
      refused(
        () => parseEnv(schema, { ...keys, [name]: '' }),
        new RegExp(`^Invalid configuration: ${name} is empty: `),
      );
    });
  }
});

describe('configuration: a production API refuses what must be refused', () => {
  it('starts with no static tokens and an HS256 secret of a named issuer and audience', () => {
    const config = parseApiEnv(production);
    assert.equal(config.API_TOKENS, '');
    assert.equal(config.JWT_MAX_LIFETIME, 3_600_000);
  });

  it('refuses the development tokens, unset or listed', () => {
    refused(
      () => parseApiEnv({ ...production, API_TOKENS: undefined }),
      /API_TOKENS holds development tokens \(dev-…, of booking-site, .*operator-1\): set API_TOKENS= \(empty\)/,
    );
    refused(
      () => parseApiEnv({ ...production, API_TOKENS: 'mine=robot:operator,dev-agency=ind:agency' }),
      /API_TOKENS holds development tokens \(dev-…, of ind\): /,
    );
    assert.equal(parseApiEnv({ ...production, API_TOKENS: 'mine=robot:operator' }).API_TOKENS, 'mine=robot:operator');
  });

  it('refuses to start without JWT settings, issuer or audience, naming the variable', () => {
    refused(() => parseApiEnv({ ...production, JWT_SECRET: '' }), /JWT_SECRET or JWT_JWKS_URL is missing/);
    refused(() => parseApiEnv({ ...production, JWT_ISSUER: undefined }), /JWT_ISSUER is missing/);
    refused(() => parseApiEnv({ ...production, JWT_AUDIENCE: undefined }), /JWT_AUDIENCE is missing/);
    const jwks = { ...production, JWT_SECRET: undefined, JWT_JWKS_URL: 'https://login.example.nl/jwks.json' };
    assert.equal(parseApiEnv(jwks).JWT_JWKS_URL, 'https://login.example.nl/jwks.json');
  });

  it('refuses a secret and a key set at once, in any environment', () => {
    refused(
      () => parseApiEnv({ ...keys, JWT_SECRET: production.JWT_SECRET, JWT_JWKS_URL: 'https://x.example/jwks' }),
      /JWT_SECRET and JWT_JWKS_URL are both set/,
    );
  });
});

describe('configuration: the agency retry interval cap', () => {
  it('caps the wait between two attempts of an agency call; unset, each agency keeps its own cap', () => {
    const capped = caseSettingsFrom(parseEnv(WorkerEnvSchema, { ...keys, CASE_AGENCY_RETRY_INTERVAL_CAP: '10s' }));
    assert.equal(capped.agencyRetryIntervalCapMs, 10_000);
    assert.equal(caseSettingsFrom(parseEnv(WorkerEnvSchema, keys)).agencyRetryIntervalCapMs, undefined);
  });

  it('refuses a cap shorter than the first retry interval (2 s), naming the variable', () => {
    refused(
      () => parseEnv(WorkerEnvSchema, { ...keys, CASE_AGENCY_RETRY_INTERVAL_CAP: '1s' }),
      /CASE_AGENCY_RETRY_INTERVAL_CAP.*at least 2s/,
    );
  });
});
