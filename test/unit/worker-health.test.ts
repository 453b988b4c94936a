import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { State } from '@temporalio/worker';
import { parseEnv, WorkerEnvSchema } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { testPayloadKeysSpec } from '../fixtures/payload-key';
import { healthHandler, serveHealth } from '../../worker/health';

const keys = { PAYLOAD_KEYS: testPayloadKeysSpec };

describe('worker: the health endpoint', () => {
  it('is 200 only while every worker of the process runs', () => {
    const answer = (states: Record<string, State>) => healthHandler(() => states)('GET', '/healthz');
    const running = answer({ 'newcomer-cases': 'RUNNING', 'newcomer-cases.brp': 'RUNNING' });
    assert.equal(running.status, 200);
    assert.deepEqual(running.body, {
      status: 'ok',
      workers: { 'newcomer-cases': 'RUNNING', 'newcomer-cases.brp': 'RUNNING' },
    });
    for (const other of ['INITIALIZED', 'STOPPING', 'DRAINING', 'DRAINED', 'STOPPED', 'FAILED'] as const) {
      assert.equal(answer({ 'newcomer-cases': 'RUNNING', 'newcomer-cases.brp': other }).status, 503, other);
    }
    assert.equal(answer({}).status, 503, 'no worker at all is not healthy');
  });

  it('answers only GET and HEAD of /healthz', () => {
    const answer = healthHandler(() => ({ q: 'RUNNING' }));
    assert.equal(answer('GET', '/healthz?probe=1').status, 200);
    assert.equal(answer('HEAD', '/healthz').status, 200);
    assert.equal(answer('POST', '/healthz').status, 405);
    assert.equal(answer('GET', '/').status, 404);
    assert.equal(answer('GET', '/healthz/../metrics').status, 404);
  });

  it('serves it over HTTP on the address it is given', async () => {
    const states: Record<string, State> = { 'newcomer-cases': 'INITIALIZED' };
    const server = serveHealth('127.0.0.1:0', () => states, createLogger({ name: 'test', level: 'silent' }));
    try {
      const { address, port } = await server.listening;
      assert.equal(address, '127.0.0.1');
      const url = `http://127.0.0.1:${port}/healthz`;
      assert.equal((await fetch(url)).status, 503);
      states['newcomer-cases'] = 'RUNNING';
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
    } finally {
      await server.close();
    }
  });

  it('logs, and keeps the worker, when its port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const port = (taken.address() as { port: number }).port;
    const lines: string[] = [];
    const logger = createLogger({ name: 'test', level: 'info', destination: { write: (l) => lines.push(l) } });
    const server = serveHealth(`127.0.0.1:${port}`, () => ({ q: 'RUNNING' }), logger);
    await assert.rejects(server.listening, /EADDRINUSE/);
    assert.match(lines.join(''), /worker health endpoint not served/);
    taken.close();
  });

  it('WORKER_HEALTH_ADDRESS: loopback by default, empty disables, a bare port is refused by name', () => {
    assert.equal(parseEnv(WorkerEnvSchema, keys).WORKER_HEALTH_ADDRESS, '127.0.0.1:9466');
    assert.equal(parseEnv(WorkerEnvSchema, { ...keys, WORKER_HEALTH_ADDRESS: '' }).WORKER_HEALTH_ADDRESS, '');
    assert.throws(
      () => parseEnv(WorkerEnvSchema, { ...keys, WORKER_HEALTH_ADDRESS: '9466' }),
      /WORKER_HEALTH_ADDRESS="9466": expected host:port/,
    );
    assert.throws(
      () => parseEnv(WorkerEnvSchema, { ...keys, WORKER_HEALTH_ADDRESS: 'x:99999' }),
      /WORKER_HEALTH_ADDRESS/,
    );
  });
});
