import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { testPayloadKeysSpec } from '../fixtures/payload-key';

const dist = path.resolve(__dirname, '..', '..');

function start(entry: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(dist, entry)], {
    env: { PATH: process.env.PATH ?? '', PAYLOAD_KEYS: testPayloadKeysSpec, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('configuration: a bad environment variable stops the process with one line naming it', () => {
  it('the API refuses API_PORT=abc', () => {
    const { status, stderr } = start('api/main.js', { API_PORT: 'abc' });
    assert.equal(status, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^Invalid configuration: API_PORT="abc": /);
  });

  it('the worker refuses LOG_LEVEL=loud', () => {
    const { status, stderr } = start('worker/main.js', { LOG_LEVEL: 'loud' });
    assert.equal(status, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /^Invalid configuration: LOG_LEVEL="loud": /);
  });

  it('the worker refuses WORKER_WORKFLOW_THREADS=0, and the bench takes the same variable from the same schema', () => {
    for (const entry of ['worker/main.js', 'bench/main.js']) {
      const { status, stderr } = start(entry, { WORKER_WORKFLOW_THREADS: '0' });
      assert.equal(status, 2, `${entry}: ${stderr}`);
      assert.match(stderr, /^Invalid configuration: WORKER_WORKFLOW_THREADS="0": /);
    }
  });

  it('a production worker without a prebuilt workflow bundle names WORKFLOW_BUNDLE_PATH', () => {
    const { status, stderr } = start('worker/main.js', { NODE_ENV: 'production' });
    assert.equal(status, 2);
    assert.match(stderr, /WORKFLOW_BUNDLE_PATH/);
  });

  it('the worker will not run without payload keys, and says how to get them', () => {
    const { status, stderr } = start('worker/main.js', { PAYLOAD_KEYS: '' });
    assert.equal(status, 2);
    assert.match(stderr, /^Invalid configuration: PAYLOAD_KEYS.*: expected keyId:base64key .*make dev generates one/);
  });

  it('the API refuses a key that is not 32 bytes, naming the entry and the fix but never the key', () => {
    const { status, stderr } = start('api/main.js', { PAYLOAD_KEYS: 'k1:c2hvcnQ=' });
    assert.equal(status, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(
      stderr,
      /^Invalid configuration: PAYLOAD_KEYS is set \(secret, not shown\): expected keyId:base64key .*entry 1 \("k1:…"\).*openssl rand -base64 32/,
    );
    assert.doesNotMatch(stderr, /c2hvcnQ/);
  });
});

describe('configuration: a production API with development tokens does not start', () => {
  it('exits 2 with one line naming API_TOKENS and the fix', () => {
    const { status, stderr } = start('api/main.js', {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-shared-secret-of-at-least-32-characters!',
      JWT_ISSUER: 'https://login.example.nl',
      JWT_AUDIENCE: 'one-stop-shop',
    });
    assert.equal(status, 2);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(
      stderr,
      /^Invalid configuration for NODE_ENV=production: API_TOKENS holds development tokens .*set API_TOKENS= \(empty\)/,
    );
  });
});
