import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { offlineTestApp, tokens } from '../harness/api';

const secret = 'a-shared-secret-of-at-least-32-characters!';
const issuer = 'https://login.example.nl';
const audience = 'one-stop-shop';
const now = () => Math.floor(Date.now() / 1000);
const good = () => ({ sub: 'operator-7', role: 'operator', iss: issuer, aud: audience, iat: now(), exp: now() + 300 });

const sign = (payload: Record<string, unknown>, alg = 'HS256') =>
  new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));

/** The issue's attack: a development operator token decrypting every case on a production API. */
describe('api: started with NODE_ENV=production, API_TOKENS= and JWT settings', () => {
  const app = offlineTestApp({
    NODE_ENV: 'production',
    API_TOKENS: '',
    JWT_SECRET: secret,
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: audience,
  });
  const decode = (authorization: string) =>
    request(app).post('/codec/decode').set('authorization', authorization).send({ payloads: [] });

  for (const [role, token] of Object.entries(tokens)) {
    it(`answers 401 to the development token of ${role}`, () => decode(token).expect(401));
  }

  const withoutExp = { ...good(), exp: undefined };
  for (const [what, token] of [
    ['without exp', () => sign(withoutExp)],
    ['with a lifetime over the maximum', () => sign({ ...good(), exp: now() + 2 * 3600 })],
    ['with an empty sub', () => sign({ ...good(), sub: '' })],
    ['signed HS512', () => sign(good(), 'HS512')],
    ['signed with alg none', () => Promise.resolve(new UnsecuredJWT(good()).encode())],
  ] as const) {
    it(`answers 401 to a JWT ${what}`, async () => decode(`Bearer ${await token()}`).expect(401));
  }

  it('answers 200 to a good JWT', async () => decode(`Bearer ${await sign(good())}`).expect(200));
});
