import assert from 'node:assert/strict';
import type { Express } from 'express';
import { SignJWT } from 'jose';
import request from 'supertest';
import { AesGcmCodec, parsePayloadKeys } from '../../lib/encryption';
import { createLogger } from '../../lib/logger';
import { euBooking } from '../fixtures/bookings';
import { testPayloadKeysSpec } from '../fixtures/payload-key';
import { offlineTestApp, testCodecUrlToken } from '../harness/api';

const jwtSecret = 'a-jwt-secret-of-more-than-32-characters!';
const ownToken = 'own-operator-token-7f3a9c1e5b';

/** The API with its log written to memory, as operators and log shippers would read it. */
function loggedApp(): { app: Express; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const written: string[] = [];
  const logger = createLogger({ name: 'api', level: 'trace', destination: { write: (line) => written.push(line) } });
  const app = offlineTestApp(
    {
      JWT_SECRET: jwtSecret,
      JWT_ISSUER: 'https://login.example',
      API_TOKENS: `dev-desk-officer=desk-officer-1:desk-officer,${ownToken}=ops-9:operator`,
    },
    logger,
  );
  return {
    app,
    text: () => written.join(''),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('api: no secret, token or personal data in the log', () => {
  it('logs every request, with the codec link redacted and no credential of any kind', async () => {
    const { app, text, lines } = loggedApp();
    const jwt = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('operator-7')
      .setIssuer('https://login.example')
      .setAudience('one-stop-shop')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(jwtSecret));
    const codec = new AesGcmCodec(parsePayloadKeys(testPayloadKeysSpec));
    const [encrypted] = await codec.encode([{ metadata: {}, data: Buffer.from('{"bsn":"999990019"}') }]);
    const payloads = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(encrypted!.data ?? []).toString('base64'),
        },
      ],
    };
    const booking = euBooking();

    // Calls that reach Temporal fail here (nothing listens): what matters is that they were let through and logged.
    const temporalDown = -1;
    const sent: Array<[request.Test, number]> = [
      [request(app).post(`/codec/t/${testCodecUrlToken}/decode`).send(payloads), 200],
      [request(app).post(`/CODEC/T/${testCodecUrlToken}/decode`).send(payloads), 200],
      [request(app).post(`/codec/t/${testCodecUrlToken}/nope`).send(payloads), 404],
      [request(app).post(`/codec/t/${testCodecUrlToken}/decode?debug=1`).send(payloads), 200],
      [request(app).post('/codec/decode').set('authorization', `Bearer ${ownToken}`).send(payloads), 200],
      [request(app).post('/codec/decode').set('authorization', `Bearer ${jwt}`).send(payloads), 200],
      [request(app).get('/v1/cases').set('authorization', 'Bearer dev-desk-officer'), temporalDown],
      [request(app).get('/v1/cases/case-BK-LOG-1').set('authorization', `bearer ${jwt}`), temporalDown],
      [request(app).get('/v1/cases').set('authorization', 'Bearer a-guessed-token-that-is-wrong'), 401],
      [request(app).get('/v1/cases').set('cookie', 'session=a-cookie-secret-4471'), 401],
      [request(app).get('/v1/cases').set('proxy-authorization', 'Basic cHJveHk6c2VjcmV0'), 401],
      [request(app).post('/v1/cases').set('authorization', `Bearer ${jwt}`).send(booking), 403],
    ];
    for (const [req, status] of sent) {
      const res = await req;
      if (status === temporalDown) assert.ok(res.status >= 500, `${res.status}: let through, to Temporal`);
      else assert.equal(res.status, status, `${res.status} ${JSON.stringify(res.body)}`);
    }
    await settle();

    const accessLines = lines().filter((line) => line.res !== undefined && line.req !== undefined);
    assert.equal(accessLines.length, sent.length, 'one access-log line per request');
    const urls = accessLines.map((line) => (line.req as { url: string }).url);
    assert.ok(urls.includes('/codec/t/[redacted]/decode'), `the codec link is logged redacted: ${urls.join(' ')}`);
    assert.ok(urls.includes('/CODEC/T/[redacted]/decode'));

    const log = text();
    for (const [what, secret] of [
      ['the codec link', testCodecUrlToken],
      ['a static token', ownToken],
      ['a development token', 'dev-desk-officer'],
      ['a wrong token', 'a-guessed-token-that-is-wrong'],
      ['a JWT', jwt],
      ["a JWT's signature", jwt.split('.')[2]!],
      ['the JWT secret', jwtSecret],
      ['a cookie', 'a-cookie-secret-4471'],
      ['proxy credentials', 'cHJveHk6c2VjcmV0'],
      ['a passport number', booking.person.passportNumber],
      ['a family name', booking.person.familyName],
      ['an e-mail address', booking.person.email],
      ['a decoded BSN', '999990019'],
    ] as const) {
      assert.ok(!log.includes(secret), `the log holds ${what}`);
    }
  });
});

describe('api: what a caller sends in headers reaches the log only as the API used it', () => {
  it('logs the request id the API used, not one it replaced, and cuts a long user-agent', async () => {
    const { app, lines, text } = loggedApp();
    const sent = `x${'y'.repeat(10_000)}`;
    const res = await request(app)
      .get('/v1/cases/case-NO-SUCH-1')
      .set('authorization', 'Bearer dev-desk-officer')
      .set('x-request-id', sent)
      .set('user-agent', `agent/${'z'.repeat(5_000)}`);
    await settle();
    const used = String(res.headers['x-request-id']);
    assert.notEqual(used, sent);
    assert.ok(!text().includes('yyyyyyyyyy'), 'the replaced id is in the log');
    const access = lines().find((line) => (line.req as { id?: unknown } | undefined)?.id === used);
    assert.ok(access, 'no access log line with the id the API used');
    const headers = (access.req as { headers: Record<string, string> }).headers;
    assert.equal(headers['x-request-id'], undefined);
    assert.ok(headers['user-agent']!.length <= 200, `user-agent of ${headers['user-agent']!.length} characters`);
  });
});

describe('api: an action whose x-request-id cannot be its idempotency key', () => {
  for (const id of ['site:retry-42', '{0b8a1d2e}', 'r'.repeat(129)]) {
    it(`is refused with 400 naming x-request-id (${id.slice(0, 16)}), not applied under a replaced id`, async () => {
      const { app } = loggedApp();
      const res = await request(app)
        .post('/v1/cases/case-BK-1/actions/check-in')
        .set('authorization', 'Bearer dev-desk-officer')
        .set('x-request-id', id)
        .send({ identity: 'verified' });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(
        (res.body as { invalidParams: { name: string }[] }).invalidParams.map((p) => p.name),
        ['x-request-id'],
      );
      assert.match(String(res.body.detail), /or an Idempotency-Key/);
    });
  }
  it('takes it with an Idempotency-Key beside it: the key is what makes the action idempotent', async () => {
    const { app } = loggedApp();
    const res = await request(app)
      .post('/v1/cases/case-BK-1/actions/check-in')
      .set('authorization', 'Bearer dev-desk-officer')
      .set('x-request-id', 'site:retry-42')
      .set('idempotency-key', 'site:retry-42')
      .send({ identity: 'verified' });
    assert.notEqual(res.status, 400, res.text);
  });
});
