import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { createAuthenticator } from '../../api/auth';

const secret = 'a-shared-secret-of-at-least-32-characters!';
const authenticate = createAuthenticator({
  staticTokens: '',
  jwtSecret: secret,
  issuer: 'https://login.example.nl',
  audience: 'one-stop-shop',
});

async function jwt(
  claims: Record<string, unknown>,
  options: { issuer?: string; audience?: string; expiresIn?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ind-officer-42')
    .setIssuer(options.issuer ?? 'https://login.example.nl')
    .setAudience(options.audience ?? 'one-stop-shop')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(secret));
}

describe('api: signed JWTs for production', () => {
  it('accepts a token of the right issuer and audience, with the actor from sub and the role claim', async () => {
    const actor = await authenticate(`Bearer ${await jwt({ role: 'ind-officer' })}`);
    assert.deepEqual(actor, { id: 'ind-officer-42', role: 'ind-officer' });
  });

  for (const [what, token] of [
    ['another audience', () => jwt({ role: 'ind-officer' }, { audience: 'someone-else' })],
    ['another issuer', () => jwt({ role: 'ind-officer' }, { issuer: 'https://evil.example' })],
    ['an unknown role', () => jwt({ role: 'superuser' })],
    ['no role claim', () => jwt({})],
    ['an expired token', () => jwt({ role: 'operator' }, { expiresIn: '-1m' })],
  ] as const) {
    it(`refuses ${what} with 401`, async () => {
      await assert.rejects(authenticate(`Bearer ${await token()}`), (err: unknown) => {
        assert.equal((err as { status?: number }).status, 401);
        return true;
      });
    });
  }

  it('refuses a token signed with another secret', async () => {
    const forged = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('https://login.example.nl')
      .setAudience('one-stop-shop')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-that-is-also-32-characters'));
    await assert.rejects(authenticate(`Bearer ${forged}`), /unknown, expired or not signed/);
  });
});
