import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { parseApiEnv } from '../../api/config';
import { deskOptionsOf } from '../../api/desk/config';
import { testPayloadKeysSpec } from '../fixtures/payload-key';
import { offlineTestApp } from '../harness/api';

const host = 'console.example.nl';
const behindProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': host };

describe('desk console behind an https proxy: __Host- and Secure cookies', () => {
  const app = offlineTestApp({ API_TRUST_PROXY: 'loopback' });

  it('sets __Host-desk-session, Secure, Path=/ when the trusted proxy says https; the session works there only', async () => {
    const res = await request(app)
      .post('/desk/sign-in')
      .set(behindProxy)
      .set('origin', `https://${host}`)
      .type('form')
      .send({ token: 'dev-desk-officer' })
      .expect(303);
    const set = (res.headers['set-cookie'] as unknown as string[])[0]!;
    assert.match(
      set,
      /^__Host-desk-session=v1\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=\d+$/,
    );
    const cookie = set.split(';')[0]!;
    const page = await request(app).get('/desk').set(behindProxy).set('cookie', cookie);
    assert.notEqual(page.status, 303, 'signed in over https');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(csrf);
    // The same cookie over plain http is not the session: a __Host- cookie belongs to the https origin.
    await request(app).get('/desk').set('cookie', cookie).expect(303);
    // A form of the console's own https origin is taken; one claiming the plain http origin is refused.
    await request(app)
      .post('/desk/language')
      .set(behindProxy)
      .set('origin', `http://${host}`)
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, lang: 'en' })
      .expect(403);
    const out = await request(app)
      .post('/desk/sign-out')
      .set(behindProxy)
      .set('origin', `https://${host}`)
      .set('sec-fetch-site', 'same-origin')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    assert.match(
      String(out.headers['set-cookie']),
      /__Host-desk-session=; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=0/,
    );
  });

  it('believes X-Forwarded-Proto only from a trusted proxy: without API_TRUST_PROXY a client cannot claim https', async () => {
    const res = await request(offlineTestApp())
      .post('/desk/sign-in')
      .set(behindProxy)
      .type('form')
      .send({ token: 'dev-desk-officer' })
      .expect(303);
    const set = (res.headers['set-cookie'] as unknown as string[])[0]!;
    assert.match(set, /^desk-session=v1\.[^;]+; Path=\/desk; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });
});

const oidc = {
  DESK_OIDC_ISSUER: 'https://login.example.nl',
  DESK_OIDC_CLIENT_ID: 'desk-console',
  DESK_OIDC_REDIRECT_URL: `https://${host}/desk/oidc/callback`,
};
const production = {
  NODE_ENV: 'production',
  API_TOKENS: '',
  JWT_SECRET: 'a-shared-secret-of-at-least-32-characters!',
  JWT_ISSUER: 'https://login.example.nl',
  JWT_AUDIENCE: 'one-stop-shop',
  ...oidc,
  API_TRUST_PROXY: '10.0.0.0/8',
  DESK_SESSION_SECRET: 'a-desk-session-secret-of-32-characters!!',
  DESK_SIGN_OUTS_FILE: '/tmp/desk-https-test-sign-outs',
};

const refusal = (env: NodeJS.ProcessEnv): string => {
  try {
    deskOptionsOf(parseApiEnv({ PAYLOAD_KEYS: testPayloadKeysSpec, ...env }));
  } catch (err) {
    return (err as Error).message;
  }
  return '(started)';
};

describe('desk console: OpenID Connect and session settings are checked at start, each refusal names the fix', () => {
  const cases: [string, NodeJS.ProcessEnv, RegExp][] = [
    [
      'a client id without an issuer',
      { DESK_OIDC_CLIENT_ID: 'x' },
      /DESK_OIDC_ISSUER is missing, but DESK_OIDC_CLIENT_ID is set: set the issuer URL .* or unset/,
    ],
    [
      'an issuer alone',
      { DESK_OIDC_ISSUER: oidc.DESK_OIDC_ISSUER },
      /DESK_OIDC_CLIENT_ID is missing: set the client id/,
    ],
    [
      'no redirect URL',
      { ...oidc, DESK_OIDC_REDIRECT_URL: '' },
      /DESK_OIDC_REDIRECT_URL is missing: set .*\/desk\/oidc\/callback/,
    ],
    [
      'a redirect URL that is not the callback',
      { ...oidc, DESK_OIDC_REDIRECT_URL: `https://${host}/callback` },
      /is not the console's callback: set https:\/\/<console host>\/desk\/oidc\/callback/,
    ],
    [
      'an http issuer elsewhere than loopback',
      { ...oidc, DESK_OIDC_ISSUER: 'http://login.example.nl' },
      /DESK_OIDC_ISSUER="http:\/\/login.example.nl": expected an https URL/,
    ],
    [
      'a trust of every sender',
      { API_TRUST_PROXY: 'true' },
      /API_TRUST_PROXY="true": expected the number of proxies or their addresses/,
    ],
    [
      'a proxy address that is none',
      { API_TRUST_PROXY: '10.0.0.300' },
      /API_TRUST_PROXY="10.0.0.300": .*addresses and subnets/,
    ],
    [
      'production, an http redirect',
      { ...production, DESK_OIDC_REDIRECT_URL: `http://${host}/desk/oidc/callback` },
      /in production the console must be served over https/,
    ],
    [
      'production, no trusted proxy',
      { ...production, API_TRUST_PROXY: '' },
      /API_TRUST_PROXY is missing: .*X-Forwarded-Proto makes the session cookie Secure/,
    ],
    [
      'production, no session secret',
      { ...production, DESK_SESSION_SECRET: '' },
      /DESK_SESSION_SECRET is missing: set 32\+ random characters .* the same for every API replica/,
    ],
    [
      'production, a short session secret',
      { ...production, DESK_SESSION_SECRET: 'short' },
      /DESK_SESSION_SECRET is set \(secret, not shown\): expected at least 32 random characters/,
    ],
    [
      'production, no sign-outs file',
      { ...production, DESK_SIGN_OUTS_FILE: '' },
      /DESK_SIGN_OUTS_FILE is missing: set a file every API replica can write/,
    ],
  ];
  for (const [what, env, expected] of cases) {
    it(`refuses ${what}`, () => assert.match(refusal(env), expected));
  }

  it('starts with a complete production setting, and with a loopback http provider outside production', () => {
    assert.equal(refusal(production), '(started)');
    assert.equal(refusal({ ...oidc, DESK_OIDC_ISSUER: 'http://127.0.0.1:5556/dex' }), '(started)');
  });

  it('stops the API process itself with exit code 2 and one line', () => {
    const result = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'api', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', PAYLOAD_KEYS: testPayloadKeysSpec, DESK_OIDC_ISSUER: oidc.DESK_OIDC_ISSUER },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^Invalid configuration: DESK_OIDC_CLIENT_ID is missing/);
  });
});
