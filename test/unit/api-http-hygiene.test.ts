import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { redactUrl } from '../../api/http-hygiene';
import { offlineTestApp, testCodecUrlToken, tokens } from '../harness/api';

/** Answers of every kind: success, public, each problem status the app can give before Temporal, preflights. */
function everyKindOfAnswer(app: Express): Array<[string, () => request.Test, number]> {
  return [
    ['GET /healthz', () => request(app).get('/healthz'), 200],
    ['HEAD /healthz', () => request(app).head('/healthz'), 200],
    ['GET /readyz without Temporal', () => request(app).get('/readyz'), 503],
    ['GET /metrics', () => request(app).get('/metrics'), 200],
    ['GET /openapi.json', () => request(app).get('/openapi.json'), 200],
    ['OPTIONS /openapi.json', () => request(app).options('/openapi.json').set('origin', 'https://x.example'), 204],
    ['GET /docs', () => request(app).get('/docs'), 200],
    ['GET /docs/assets/swagger-ui.css', () => request(app).get('/docs/assets/swagger-ui.css'), 200],
    ['GET /docs/assets/nope.js', () => request(app).get('/docs/assets/nope.js'), 404],
    ['GET an unknown route', () => request(app).get('/nope'), 404],
    ['GET /v1/cases without a token', () => request(app).get('/v1/cases'), 401],
    [
      'POST a case as a desk officer',
      () => request(app).post('/v1/cases').set('authorization', tokens.desk).send({}),
      403,
    ],
    [
      'POST a malformed body',
      () =>
        request(app)
          .post('/v1/cases')
          .set('authorization', tokens.bookingSite)
          .set('content-type', 'application/json')
          .send('{"oops'),
      400,
    ],
    ['POST text', () => request(app).post('/v1/cases').set('content-type', 'text/plain').send('hello'), 415],
    [
      'POST a body over the limit',
      () =>
        request(app)
          .post('/v1/cases')
          .send({ padding: 'x'.repeat(70_000) }),
      413,
    ],
    [
      'POST the codec by a wrong link',
      () => request(app).post('/codec/t/wrong-link-0123456789abcdef/decode').send({}),
      403,
    ],
    [
      'OPTIONS the codec',
      () => request(app).options(`/codec/t/${testCodecUrlToken}/decode`).set('origin', 'http://localhost:8233'),
      204,
    ],
  ];
}

describe('api: HTTP hygiene (security headers, API-Version, CORS of the document)', () => {
  let app: Express;
  let version: string;
  before(async () => {
    app = offlineTestApp();
    version = String((await request(app).get('/openapi.json').expect(200)).body.info.version);
  });

  it('states the full version of the API, the one of its document', () => {
    assert.match(version, /^1\.\d+\.\d+$/, 'semantic version of the /v1 API');
  });

  it('sends API-Version on every answer, problems and preflights included', async () => {
    for (const [what, send, status] of everyKindOfAnswer(app)) {
      const res = await send();
      assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.headers['api-version'], version, `${what} has no API-Version`);
    }
  });

  it('sends the security headers on every answer, and no x-powered-by', async () => {
    for (const [what, send] of everyKindOfAnswer(app)) {
      const res = await send();
      assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
      assert.equal(res.headers['x-frame-options'], 'DENY', what);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', what);
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/, what);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, what);
      assert.equal(res.headers['x-powered-by'], undefined, what);
    }
  });

  it('lets nothing run in or frame a JSON answer, and lets no cache keep one', async () => {
    for (const res of [
      await request(app).get('/healthz'),
      await request(app).get('/v1/cases/case-BK-NONE-1'),
      await request(app).get('/nope'),
    ]) {
      assert.match(String(res.headers['content-security-policy']), /^default-src 'none'/);
      assert.equal(res.headers['cache-control'], 'no-store');
    }
  });

  it('lets any origin read /openapi.json without credentials, and exposes API-Version to it', async () => {
    const res = await request(app).get('/openapi.json').set('origin', 'https://tools.example').expect(200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    assert.match(String(res.headers['access-control-expose-headers']), /API-Version/);
    const preflight = await request(app)
      .options('/openapi.json')
      .set('origin', 'https://tools.example')
      .set('access-control-request-method', 'GET')
      .expect(204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-methods']), /GET/);
    assert.doesNotMatch(String(preflight.headers['access-control-allow-methods']), /POST/);
  });

  it('opens no other route to other origins', async () => {
    for (const path of ['/v1/cases', '/healthz', '/metrics', '/docs']) {
      const res = await request(app).get(path).set('origin', 'https://evil.example');
      assert.equal(res.headers['access-control-allow-origin'], undefined, path);
    }
    const preflight = await request(app)
      .options('/v1/cases')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  it("redacts the codec link's secret in any spelling the router accepts", () => {
    for (const url of [
      `/codec/t/${testCodecUrlToken}/decode`,
      `/CODEC/T/${testCodecUrlToken}/decode`,
      `/codec//t/${testCodecUrlToken}`,
      `/codec/t/${testCodecUrlToken}?x=1`,
      `/codec/t/${testCodecUrlToken}#frag`,
    ]) {
      assert.ok(!redactUrl(url).includes(testCodecUrlToken), url);
      assert.match(redactUrl(url), /\[redacted\]/);
    }
    assert.equal(redactUrl('/v1/cases?status=open'), '/v1/cases?status=open');
  });

  it("never echoes the codec link's secret in a problem", async () => {
    for (const url of [`/codec/t/${testCodecUrlToken}/nope`, `/Codec/t/${testCodecUrlToken}/decode/extra`]) {
      const res = await request(app).post(url).send({ payloads: [] });
      assert.ok(res.status >= 400, `${url}: ${res.status}`);
      assert.ok(!JSON.stringify(res.body).includes(testCodecUrlToken), `${url}: ${JSON.stringify(res.body)}`);
    }
  });
});
