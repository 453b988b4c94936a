import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const dist = path.resolve(__dirname, '..');

function start(entry: string, env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(dist, entry)], {
    env: { PATH: process.env.PATH ?? '', ...env },
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

  it('a production worker without a prebuilt workflow bundle names WORKFLOW_BUNDLE_PATH', () => {
    const { status, stderr } = start('worker/main.js', { NODE_ENV: 'production' });
    assert.equal(status, 2);
    assert.match(stderr, /WORKFLOW_BUNDLE_PATH/);
  });
});
