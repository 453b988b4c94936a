import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import { offlineTestApp } from '../harness/api';

const clientId = 'desk-console';
const clientSecret = 'desk-console-secret';
const redirectUrl = 'http://127.0.0.1:3999/desk/oidc/callback';

interface Grant {
  challenge: string;
  nonce?: string;
  redirectUri: string;
}

/**
 * A small OpenID provider for the test: discovery, JWKS, an authorize endpoint that signs in `user` at once, and
 * a token endpoint that checks the client, the redirect URI and PKCE (S256) before it signs an ID token.
 */
async function startProvider() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const provider = {
    user: { sub: 'officer-7', role: 'ind-officer' as unknown },
    tokenRequests: 0,
    issuer: '',
  };
  const app = express();
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer: provider.issuer,
      authorization_endpoint: `${provider.issuer}/authorize`,
      token_endpoint: `${provider.issuer}/token`,
      jwks_uri: `${provider.issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [jwk] });
  });
  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string>;
    if (q.client_id !== clientId || q.response_type !== 'code' || q.code_challenge_method !== 'S256') {
      res.status(400).send('bad authorization request');
      return;
    }
    const code = randomBytes(16).toString('hex');
    grants.set(code, { challenge: q.code_challenge!, nonce: q.nonce, redirectUri: q.redirect_uri! });
    res.redirect(302, `${q.redirect_uri}?code=${code}&state=${encodeURIComponent(q.state ?? '')}`);
  });
  app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
    provider.tokenRequests += 1;
    const body = req.body as Record<string, string>;
    const grant = grants.get(body.code ?? '');
    grants.delete(body.code ?? '');
    const verified =
      grant &&
      body.client_id === clientId &&
      body.client_secret === clientSecret &&
      body.redirect_uri === grant.redirectUri &&
      createHash('sha256')
        .update(body.code_verifier ?? '')
        .digest('base64url') === grant.challenge;
    if (!verified) {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    const idToken = await new SignJWT({ nonce: grant.nonce, role: provider.user.role })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(provider.issuer)
      .setAudience(clientId)
      .setSubject(provider.user.sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    res.json({ access_token: 'opaque', token_type: 'Bearer', expires_in: 300, id_token: idToken });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  provider.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { provider, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const cookieOf = (res: request.Response, name: string): string => {
  const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const found = cookies.find((c) => c.startsWith(`${name}=`));
  assert.ok(found, `no ${name} cookie in ${JSON.stringify(cookies)}`);
  return found;
};

describe('desk console: sign-in through OpenID Connect (authorization code with PKCE)', () => {
  let stop: () => Promise<void>;
  let provider: Awaited<ReturnType<typeof startProvider>>['provider'];
  let app: Express;

  before(async () => {
    const started = await startProvider();
    stop = started.close;
    provider = started.provider;
    app = offlineTestApp({
      DESK_OIDC_ISSUER: provider.issuer,
      DESK_OIDC_CLIENT_ID: clientId,
      DESK_OIDC_CLIENT_SECRET: clientSecret,
      DESK_OIDC_REDIRECT_URL: redirectUrl,
    });
  });
  after(async () => stop());

  /** Starts a sign-in at the console and lets the provider answer; the console's callback path and its cookie. */
  async function throughProvider(): Promise<{ callback: string; pending: string; authorize: URL }> {
    const start = await request(app).get('/desk/sign-in/oidc').expect(303);
    const authorize = new URL(String(start.headers.location));
    const pending = cookieOf(start, 'desk-oidc');
    const answer = await fetch(authorize, { redirect: 'manual' });
    assert.equal(answer.status, 302, await answer.text());
    const back = new URL(String(answer.headers.get('location')));
    return { callback: `${back.pathname}${back.search}`, pending: pending.split(';')[0]!, authorize };
  }

  it('signs an officer in with the role of the claim, PKCE S256, state and nonce, no token in any URL', async () => {
    const { callback, pending, authorize } = await throughProvider();
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
    assert.equal(authorize.searchParams.get('code_verifier'), null);

    const signedIn = await request(app).get(callback).set('cookie', pending).expect(200);
    const session = cookieOf(signedIn, 'desk-session');
    assert.match(session, /HttpOnly; SameSite=Strict/);
    assert.match(signedIn.text, /http-equiv="refresh" content="0;url=\/desk"/);
    const page = await request(app).get('/desk').set('cookie', session.split(';')[0]!).set('accept-language', 'en');
    assert.match(page.text, /Signed in as officer-7 \(IND officer\)/);
  });

  it('takes a callback only once, and only with the state it sent', async () => {
    const { callback, pending } = await throughProvider();
    await request(app).get(callback).set('cookie', pending).expect(200);
    const again = await request(app).get(callback).set('cookie', pending).expect(400);
    assert.match(again.text, /not started here, or it expired/);

    const second = await throughProvider();
    const forged = second.callback.replace(/state=[^&]+/, 'state=forged-state');
    const before = provider.tokenRequests;
    const refused = await request(app).get(forged).set('cookie', second.pending).expect(403);
    assert.match(refused.text, /not accepted/);
    assert.equal(provider.tokenRequests, before, 'a forged state never reaches the token endpoint');
    await request(app).get(second.callback).expect(400); // without the sign-in's own cookie
  });

  it('refuses an account whose claim names no console role, or two', async () => {
    for (const role of ['agency', 'booking-site', ['desk-officer', 'ind-officer'], undefined]) {
      provider.user = { sub: 'someone', role };
      const { callback, pending } = await throughProvider();
      const res = await request(app).get(callback).set('cookie', pending).expect(403);
      assert.match(res.text, /exactly one console role/);
      assert.equal(res.headers['set-cookie']?.toString().includes('desk-session='), false);
    }
    provider.user = { sub: 'officer-8', role: ['employee', 'desk-officer'] };
    const { callback, pending } = await throughProvider();
    await request(app).get(callback).set('cookie', pending).expect(200);
  });
});
