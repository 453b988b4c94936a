import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { testApp } from './harness/api';
import { freePort } from './harness/ports';

describe('api: health and readiness', () => {
  it("is ready when Temporal answers, and echoes the caller's request id", async () => {
    const app = testApp({ taskQueue: 'unused' });
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    const res = await request(app).get('/readyz').set('x-request-id', 'req-42').expect(200);
    assert.equal(res.headers['x-request-id'], 'req-42');
    assert.deepEqual(res.body, { status: 'ready', temporal: 'up' });
  });

  it('is live but not ready while Temporal is unreachable, and says so as problem details', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const client = new Client({ connection });
    const app = testApp({ taskQueue: 'unused', client, connection, readinessTimeoutMs: 500 });
    await request(app).get('/healthz').expect(200);
    const res = await request(app)
      .get('/readyz')
      .expect(503)
      .expect('content-type', /application\/problem\+json/);
    assert.equal(res.body.status, 503);
    assert.equal(res.body.temporal, 'down');
    assert.equal(res.body.requestId, res.headers['x-request-id']);
    await connection.close();
  });

  it('answers an unknown route with 404 problem details', async () => {
    const app = testApp({ taskQueue: 'unused' });
    const res = await request(app)
      .get('/v0/nothing')
      .expect(404)
      .expect('content-type', /application\/problem\+json/);
    assert.equal(res.body.title, 'Not Found');
    assert.equal(res.body.instance, '/v0/nothing');
    assert.ok(res.body.requestId);
  });
});
