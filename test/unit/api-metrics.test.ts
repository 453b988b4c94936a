import assert from 'node:assert/strict';
import { register } from 'prom-client';
import request from 'supertest';
import { offlineTestApp, tokens } from '../harness/api';

const routeLabels = (text: string): Set<string> =>
  new Set([...text.matchAll(/^http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1] ?? ''));

describe('api: metrics', () => {
  it('counts requests by route pattern, never by URL, and unknown URLs as unmatched', async () => {
    const app = offlineTestApp();
    await request(app).get('/healthz').expect(200);
    await request(app).get('/healthz').expect(200);
    await request(app).get('/v1/nothing/BK-SECRET-123').expect(404);
    // Errors thrown inside a nested router still count under the full pattern of the route that threw.
    await request(app).get('/v1/cases/case-BK-SECRET-456').expect(401);
    await request(app)
      .post('/v1/cases/case-BK-SECRET-789/actions/check-in')
      .set('authorization', tokens.bookingSite)
      .send({})
      .expect(403);

    const res = await request(app)
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    assert.doesNotMatch(res.text, /BK-SECRET/);
    const lines = res.text.split('\n');
    for (const line of [
      'http_requests_total{method="GET",route="/healthz",status="200"} 2',
      'http_requests_total{method="GET",route="unmatched",status="404"} 1',
      'http_requests_total{method="GET",route="/v1/cases/:caseId",status="401"} 1',
      'http_requests_total{method="POST",route="/v1/cases/:caseId/actions/:action",status="403"} 1',
      'http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 2',
    ]) {
      assert.ok(lines.includes(line), `/metrics lacks ${line}`);
    }
    assert.match(res.text, /^http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz"/m);
    assert.match(res.text, /^process_cpu_user_seconds_total /m);
    assert.deepEqual(
      routeLabels(res.text),
      new Set(['/healthz', 'unmatched', '/v1/cases/:caseId', '/v1/cases/:caseId/actions/:action']),
    );
  });

  it("keeps each app's counts in its own registry, not prom-client's global one", async () => {
    const first = offlineTestApp();
    await request(first).get('/healthz').expect(200);
    const second = offlineTestApp();
    await request(second).get('/metrics').expect(200);
    const res = await request(second).get('/metrics').expect(200);
    assert.ok(res.text.includes('http_requests_total{method="GET",route="/metrics",status="200"} 1'));
    assert.ok(!res.text.includes('route="/healthz"'), 'the second app counted the first one');
    assert.equal(register.getSingleMetric('http_requests_total'), undefined);
  });
});
