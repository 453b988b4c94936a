import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { offlineTestApp } from '../harness/api';

/** The parts of a console page a forger would need: the session cookie and the form's CSRF token. */
interface Signed {
  cookie: string;
  csrf: string;
}

const caseUrl = '/desk/cases/case-BK-DESK-PROBE-1';

/** Signs in with a development role, and reads the CSRF token from a page of the session. */
async function signIn(app: Express, token: string): Promise<Signed> {
  const res = await request(app).post('/desk/sign-in').type('form').send({ token }).expect(303);
  assert.equal(res.headers.location, '/desk');
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
  // Temporal is away in this app, so a page answers 503, still within the session, with its forms.
  const page = await request(app).get('/desk').set('cookie', cookie);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(csrf, `a page of the session carries a CSRF token (status ${page.status})`);
  return { cookie, csrf };
}

describe('desk console: sessions, CSRF and roles, as an adversary tries them', () => {
  let app: Express;
  before(() => {
    app = offlineTestApp();
  });

  it('sends a visitor without a session to sign in, and answers a form without one with 401', async () => {
    const res = await request(app).get('/desk').expect(303);
    assert.equal(res.headers.location, '/desk/sign-in');
    await request(app).post(`${caseUrl}/actions/check-in`).type('form').send({ identity: 'verified' }).expect(401);
  });

  it('answers a post that is not a form (JSON, text, no body) for what it lacks, never 500', async () => {
    const { cookie } = await signIn(app, 'dev-desk-officer');
    const json = await request(app).post('/desk/sign-in').send({ token: 'dev-desk-officer' }).expect(400);
    assert.match(json.text, /Pick one of the roles offered/);
    await request(app).post('/desk/sign-in').type('text').send('token=dev-desk-officer').expect(400);
    await request(app).post('/desk/sign-in').expect(400);
    await request(app).post('/desk/language').expect(303);
    // Signed in, a post without its form is refused as one without the session's CSRF token.
    await request(app).post('/desk/language').set('cookie', cookie).expect(303);
    await request(app).post('/desk/sign-out').set('cookie', cookie).expect(403);
    await request(app)
      .post(`${caseUrl}/actions/check-in`)
      .set('cookie', cookie)
      .send({ identity: 'verified' })
      .expect(403);
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie, sealed: no token, name or role readable', async () => {
    const res = await request(app).post('/desk/sign-in').type('form').send({ token: 'dev-desk-officer' }).expect(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!;
    assert.match(
      cookie,
      /^desk-session=v1\.[A-Za-z0-9_-]{100,600}; Path=\/desk; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
    const sealed = Buffer.from(cookie.split(';')[0]!.slice('desk-session=v1.'.length), 'base64url').toString('latin1');
    for (const readable of ['dev-desk-officer', 'desk-officer', 'csrf'])
      assert.ok(!sealed.includes(readable), readable);
    assert.equal(res.headers.location, '/desk', 'no token or session id in the URL');
  });

  it('refuses a form without the session CSRF token, and one posted from another site, changing nothing', async () => {
    const { cookie, csrf } = await signIn(app, 'dev-desk-officer');
    // Without the token: not signed out.
    await request(app).post('/desk/sign-out').set('cookie', cookie).type('form').send({}).expect(403);
    await request(app).post('/desk/sign-out').set('cookie', cookie).type('form').send({ _csrf: 'guess' }).expect(403);
    // With the token, but from another origin or site: refused before anything reads the form.
    await request(app)
      .post('/desk/sign-out')
      .set('cookie', cookie)
      .set('origin', 'https://evil.example')
      .type('form')
      .send({ _csrf: csrf })
      .expect(403);
    await request(app)
      .post(`${caseUrl}/actions/check-in`)
      .set('cookie', cookie)
      .set('sec-fetch-site', 'cross-site')
      .type('form')
      .send({ _csrf: csrf, identity: 'verified' })
      .expect(403);
    await request(app)
      .post('/desk/sign-in')
      .set('origin', 'null')
      .type('form')
      .send({ token: 'dev-operator' })
      .expect(403);
    const still = await request(app).get('/desk').set('cookie', cookie);
    assert.notEqual(still.status, 303, 'the session survived every forged sign-out');
  });

  it('forgets a session on sign-out: the same cookie replayed finds no session', async () => {
    const { cookie, csrf } = await signIn(app, 'dev-ind-officer');
    const out = await request(app).post('/desk/sign-out').set('cookie', cookie).type('form').send({ _csrf: csrf });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/desk/sign-in');
    assert.match(String(out.headers['set-cookie']), /desk-session=; .*Max-Age=0/);
    const replayed = await request(app).get('/desk').set('cookie', cookie).expect(303);
    assert.equal(replayed.headers.location, '/desk/sign-in');
    await request(app)
      .post(`${caseUrl}/actions/capture-biometrics`)
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, captureReference: 'CAP-REPLAY-1' })
      .expect(401);
  });

  it("refuses an action outside the officer's role, and every action of an operator, before the case is asked", async () => {
    const expat = await signIn(app, 'dev-expat-advisor');
    const forged = await request(app)
      .post(`${caseUrl}/actions/hand-over-card`)
      .set('cookie', expat.cookie)
      .type('form')
      .send({ _csrf: expat.csrf });
    assert.equal(forged.status, 403);
    assert.match(forged.text, /expat-advisor may not hand-over-card/);
    const operator = await signIn(app, 'dev-operator');
    // The API lets an operator withdraw; the console is read-only for operators.
    await request(app)
      .post(`${caseUrl}/actions/withdraw`)
      .set('cookie', operator.cookie)
      .type('form')
      .send({ _csrf: operator.csrf, reason: 'test' })
      .expect(403);
    await request(app)
      .post(`${caseUrl}/actions/no-such-action`)
      .set('cookie', operator.cookie)
      .type('form')
      .send({ _csrf: operator.csrf })
      .expect(403);
  });

  it('offers no development sign-in in production, and refuses a development token posted anyway', async () => {
    const production = offlineTestApp({
      NODE_ENV: 'production',
      API_TOKENS: '',
      JWT_SECRET: 'a-production-secret-of-32-characters!',
      JWT_ISSUER: 'https://id.example',
      JWT_AUDIENCE: 'one-stop-shop',
    });
    const page = await request(production).get('/desk/sign-in').expect(200);
    assert.doesNotMatch(page.text, /dev-/);
    await request(production).post('/desk/sign-in').type('form').send({ token: 'dev-desk-officer' }).expect(400);
  });

  it('returns from the language switch only to a console page, and serves only its own assets', async () => {
    for (const target of ['//evil.example/desk', 'https://evil.example', '/desk/../v1/cases', '/deskx']) {
      const res = await request(app).post('/desk/language').type('form').send({ lang: 'en', return: target });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/desk', `returned to ${target}`);
    }
    const english = await request(app)
      .post('/desk/language')
      .type('form')
      .send({ lang: 'en', return: '/desk/sign-in' });
    const page = await request(app)
      .get('/desk/sign-in')
      .set('cookie', (english.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!);
    assert.match(page.text, /<html lang="en"/);
    assert.match(page.text, /Sign in to the desk console/);
    for (const probe of ['../../package.json', 'index.css', '..%2F..%2Fpackage.json']) {
      await request(app).get(`/desk/assets/${probe}`).expect(404);
    }
    const css = await request(app).get('/desk/assets/components.css').expect(200);
    assert.match(css.text, /\.utrecht-button/);
  });

  it('serves its pages under a policy that runs only its own script and posts only to itself', async () => {
    const res = await request(app).get('/desk/sign-in').expect(200);
    const policy = String(res.headers['content-security-policy']);
    assert.match(policy, /script-src 'self'/);
    assert.match(policy, /form-action 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cache-control'], 'no-store');
  });
});
