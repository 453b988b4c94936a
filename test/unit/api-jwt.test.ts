import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { createAuthenticator, type Authenticate } from '../../api/auth';

const secret = 'a-shared-secret-of-at-least-32-characters!';
const issuer = 'https://login.example.nl';
const audience = 'one-stop-shop';
const hour = 3_600_000;
const authenticate = createAuthenticator({
  staticTokens: '',
  jwtSecret: secret,
  issuer,
  audience,
  maxLifetimeMs: hour,
});
const now = () => Math.floor(Date.now() / 1000);

/** A token as a good issuer makes it; each test breaks one thing. */
function claims(overrides: { sub?: string; iat?: number; exp?: number; iss?: string; aud?: string } = {}) {
  return {
    sub: 'ind-officer-42',
    iss: issuer,
    aud: audience,
    iat: now(),
    exp: now() + 300,
    role: 'ind-officer',
    ...overrides,
  };
}

function sign(payload: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

async function assertRefused(auth: Authenticate, token: string | Promise<string>): Promise<void> {
  await assert.rejects(auth(`Bearer ${await token}`), (err: unknown) => {
    assert.equal((err as { status?: number }).status, 401);
    return true;
  });
}

describe('api: signed JWTs, checked as a bank would', () => {
  it('accepts a token of the right issuer and audience, with the actor from sub and the role claim', async () => {
    const actor = await authenticate(`Bearer ${await sign(claims())}`);
    assert.deepEqual(actor, { id: 'ind-officer-42', role: 'ind-officer' });
  });

  it('accepts a token of exactly the maximum lifetime, and one that expired within the clock tolerance', async () => {
    await authenticate(`Bearer ${await sign(claims({ iat: now(), exp: now() + 3600 }))}`);
    await authenticate(`Bearer ${await sign(claims({ iat: now() - 300, exp: now() - 10 }))}`);
  });

  const withoutExp = { ...claims(), exp: undefined };
  const withoutSub = { ...claims(), sub: undefined };
  const withoutIat = { ...claims(), iat: undefined };
  for (const [what, token] of [
    ['another audience', () => sign(claims({ aud: 'someone-else' }))],
    ['another issuer', () => sign(claims({ iss: 'https://evil.example' }))],
    ['an unknown role', () => sign({ ...claims(), role: 'superuser' })],
    ['no role claim', () => sign({ ...claims(), role: undefined })],
    ['an expired token', () => sign(claims({ exp: now() - 60 }))],
    ['a token without exp', () => sign(withoutExp)],
    ['a token valid for 200 years', () => sign(claims({ exp: now() + 200 * 365 * 86_400 }))],
    ['a lifetime of an hour and a minute', () => sign(claims({ iat: now() - 60, exp: now() + 3600 }))],
    ['a lifetime over the maximum without iat', () => sign({ ...withoutIat, exp: now() + 7200 })],
    ['an iat in the future that hides a long life', () => sign(claims({ iat: now() + 7200, exp: now() + 7200 }))],
    ['an empty sub', () => sign(claims({ sub: '' }))],
    ['a blank sub', () => sign(claims({ sub: '  ' }))],
    ['no sub', () => sign(withoutSub)],
    ['HS512 where HS256 is configured', () => sign(claims(), 'HS512')],
    ['HS384 where HS256 is configured', () => sign(claims(), 'HS384')],
    ['alg none', () => new UnsecuredJWT(claims()).encode()],
  ] as const) {
    it(`refuses ${what} with 401`, () => assertRefused(authenticate, token()));
  }

  it('refuses a token signed with another secret', async () => {
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-that-is-also-32-characters'));
    await assert.rejects(authenticate(`Bearer ${forged}`), /unknown, expired or not signed/);
  });
});

describe("api: JWTs verified against the issuer's JSON Web Key Set", () => {
  const published: JWK[] = [];
  let server: Server;
  let jwksUrl: string;
  let jwksFetches = 0;

  async function keyPair(alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA' | 'RS512', kid: string) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg };
    const signWith = (payload: Record<string, unknown>, header: { alg?: string; kid?: string } = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg, kid, ...header }).sign(privateKey);
    return { jwk, sign: signWith };
  }

  before(async () => {
    server = createServer((_req, res) => {
      jwksFetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const jwksAuthenticator = (cooldownMs = 0) =>
    createAuthenticator({
      staticTokens: '',
      jwksUrl,
      jwksCooldownMs: cooldownMs,
      issuer,
      audience,
      maxLifetimeMs: hour,
    });

  it('accepts ES256, RS256, PS256 and EdDSA tokens of published keys, and refuses the same claims unsigned', async () => {
    const auth = jwksAuthenticator();
    for (const alg of ['ES256', 'RS256', 'PS256', 'EdDSA'] as const) {
      const key = await keyPair(alg, `key-${alg}`);
      published.push(key.jwk);
      assert.deepEqual(await auth(`Bearer ${await key.sign(claims())}`), { id: 'ind-officer-42', role: 'ind-officer' });
    }
    await assertRefused(auth, new UnsecuredJWT(claims()).encode());
  });

  it('refuses an algorithm outside the allow-list, even from a published key', async () => {
    const key = await keyPair('RS512', 'key-rs512');
    published.push(key.jwk);
    await assertRefused(jwksAuthenticator(), key.sign(claims()));
  });

  it('refuses an HS256 token on the JWKS path, and the checks of the secret path hold here too', async () => {
    const key = await keyPair('ES256', 'key-checks');
    published.push(key.jwk);
    const auth = jwksAuthenticator();
    await assertRefused(auth, sign(claims()));
    await assertRefused(auth, key.sign(claims({ sub: '' })));
    await assertRefused(auth, key.sign(claims({ exp: now() + 7200 })));
    await assertRefused(auth, key.sign(claims({ iss: 'https://evil.example' })));
  });

  it('accepts a token of a rotated-in key once the key set lists it, fetching the set again for the unknown kid', async () => {
    const auth = jwksAuthenticator(200);
    const old = await keyPair('ES256', 'key-2024');
    published.push(old.jwk);
    await auth(`Bearer ${await old.sign(claims())}`);

    const rotated = await keyPair('ES256', 'key-2025');
    const token = await rotated.sign(claims());
    await assertRefused(auth, token);
    published.push(rotated.jwk);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const fetchesBefore = jwksFetches;
    assert.deepEqual(await auth(`Bearer ${token}`), { id: 'ind-officer-42', role: 'ind-officer' });
    assert.equal(jwksFetches, fetchesBefore + 1, 'the unknown kid made the API fetch the key set again');
    await auth(`Bearer ${await old.sign(claims())}`);
  });

  it('refuses a token of a key withdrawn from the set', async () => {
    const auth = jwksAuthenticator();
    const key = await keyPair('ES256', 'key-withdrawn');
    await assertRefused(auth, key.sign(claims()));
  });
});
