import assert from 'node:assert/strict';
import type { z } from 'zod';
import { createAuthenticator } from '../../api/auth';
import { parseApiEnv } from '../../api/config';
import { BenchEnvSchema } from '../../bench/config';
import { ChaosEnvSchema } from '../../bench/chaos/config';
import { ApiEnvSchema, ConfigError, DevEnvSchema, isSecretVariable, parseEnv, WorkerEnvSchema } from '../../lib/config';
import { generatePayloadKey } from '../../lib/encryption';
import { OperatorEnvSchema } from '../../operator/config';
import { SandboxEnvSchema } from '../../sandbox/config';
import { testPayloadKeysSpec } from '../fixtures/payload-key';

const keys = { PAYLOAD_KEYS: testPayloadKeysSpec };

/** The one line a process prints for a bad configuration. */
function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

/** Every part of `secret` a reader could use: the value, and each piece of it longer than 3 characters. */
function assertHides(message: string, secret: string): void {
  for (const piece of [secret, ...secret.split(/[:,=]/)].filter((p) => p.length > 3)) {
    assert.ok(!message.includes(piece), `the message shows "${piece}" of the secret: ${message}`);
  }
}

const schemas: Record<string, z.ZodObject> = {
  api: ApiEnvSchema,
  worker: WorkerEnvSchema,
  sandbox: SandboxEnvSchema,
  operator: OperatorEnvSchema,
  dev: DevEnvSchema,
  bench: BenchEnvSchema,
  chaos: ChaosEnvSchema,
};

describe('configuration: an error names a secret variable and the fix, never its value', () => {
  it('knows every secret of every process by its name, and nothing else', () => {
    const names = new Set(Object.values(schemas).flatMap((schema) => Object.keys(schema.shape)));
    assert.deepEqual([...names].filter(isSecretVariable).sort(), [
      'API_TOKENS',
      'BRP_TOKEN',
      'CODEC_URL_TOKEN',
      'DESK_OIDC_CLIENT_SECRET',
      'DESK_SESSION_SECRET',
      'IND_TOKEN',
      'JWT_SECRET',
      'NOTIFY_TOKEN',
      'PAYLOAD_KEYS',
      'SANDBOX_ADMIN_TOKEN',
      'SANDBOX_CALLBACK_TOKEN',
      'SANDBOX_TOKEN',
      'TEMPORAL_API_KEY',
      'TEMPORAL_TLS_CLIENT_KEY_DATA',
    ]);
    for (const name of [
      'PAYLOAD_KEY_ID',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'JWT_JWKS_URL',
      'TEMPORAL_TLS_CLIENT_CERT_DATA',
    ]) {
      assert.equal(isSecretVariable(name), false, name);
    }
    assert.equal(isSecretVariable('TEMPORAL_DB_PASSWORD'), true);
  });

  const key = generatePayloadKey('k1');
  const bareKey = key.slice('k1:'.length);
  for (const [what, value, names] of [
    ['a bare key without its id', bareKey, /entry 1 is not/],
    ['a key of 5 bytes', 'k1:c2hvcnQ=', /entry 1 \("k1:…"\) is not/],
    ['a good key, then one with a bad id', `${key},bad id!:${bareKey}`, /entry 2 is not/],
    ['a key with its id glued to the next', `${key}${key}`, /entry 1 \("k1:…"\) is not/],
  ] as const) {
    it(`PAYLOAD_KEYS with ${what}: names the entry and how to make a key`, () => {
      const message = refusal(() => parseEnv(ApiEnvSchema, { PAYLOAD_KEYS: value }));
      assert.match(
        message,
        /^Invalid configuration: PAYLOAD_KEYS is set \(secret, not shown\): expected keyId:base64key/,
      );
      assert.match(message, names);
      assert.match(message, /openssl rand -base64 32/);
      assertHides(message, value);
    });
  }

  for (const [schema, name, value] of [
    [ApiEnvSchema, 'JWT_SECRET', 'too-short-but-still-a-secret'],
    [ApiEnvSchema, 'CODEC_URL_TOKEN', 'short-codec-link-key'],
    [SandboxEnvSchema, 'SANDBOX_ADMIN_TOKEN', 'admin-tok-3f9'],
  ] as const) {
    it(`${name} too short: names it and what is expected`, () => {
      const message = refusal(() => parseEnv(schema, { ...keys, [name]: value }));
      assert.match(
        message,
        new RegExp(`^Invalid configuration: ${name} is set \\(secret, not shown\\): expected at least`),
      );
      assertHides(message, value);
    });
  }

  it('still shows the value of a variable that is not a secret', () => {
    assert.match(
      refusal(() => parseEnv(ApiEnvSchema, { ...keys, API_PORT: 'abc' })),
      /API_PORT="abc"/,
    );
  });

  it('a malformed API_TOKENS entry is named by its place, not by its token', () => {
    const tokens = 'robot-token-8c1d=robot:operator,leaked-token-77aa=someone:superuser';
    const message = refusal(() => createAuthenticator({ staticTokens: tokens, audience: 'a', maxLifetimeMs: 1 }));
    assert.match(message, /^Invalid configuration: API_TOKENS entry 2 of 2 is not token=actorId:role with a role of /);
    assertHides(message, 'robot-token-8c1d');
    assertHides(message, 'leaked-token-77aa');
  });

  it('a production API with development tokens names their actors, not the tokens', () => {
    const tokens = 'dev-private-9e2b=robot:operator';
    const message = refusal(() =>
      parseApiEnv({
        ...keys,
        NODE_ENV: 'production',
        API_TOKENS: tokens,
        JWT_SECRET: 'a-shared-secret-of-at-least-32-characters!',
        JWT_ISSUER: 'https://login.example.nl',
        JWT_AUDIENCE: 'one-stop-shop',
      }),
    );
    assert.match(message, /API_TOKENS holds development tokens \(dev-…, of robot\): set API_TOKENS= \(empty\)/);
    assertHides(message, 'dev-private-9e2b');
    assert.ok(!message.includes('a-shared-secret'), message);
  });
});
