import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { Sealer } from '../../api/desk/sealed';
import { Sessions, type DeskSession } from '../../api/desk/session';
import { SignOuts } from '../../api/desk/sign-outs';
import { offlineTestApp } from '../harness/api';

const secret = 'a-test-desk-session-secret-of-32-characters';

async function signIn(app: Express, token: string): Promise<{ cookie: string; csrf: string }> {
  const res = await request(app).post('/desk/sign-in').type('form').send({ token }).expect(303);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
  const page = await request(app).get('/desk').set('cookie', cookie);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(csrf, `a page of the session carries a CSRF token (status ${page.status})`);
  return { cookie, csrf };
}

/** Whether the cookie opens a session: a page of the console (503 here: no Temporal), not the way to sign in. */
async function signedInWith(app: Express, cookie: string): Promise<boolean> {
  const res = await request(app).get('/desk').set('cookie', cookie).set('accept-language', 'en');
  if (res.status === 303) {
    assert.equal(res.headers.location, '/desk/sign-in');
    return false;
  }
  assert.match(res.text, /Signed in as desk-officer-1/);
  return true;
}

const sealedCookie = (session: Partial<DeskSession>, key = secret): string =>
  `desk-session=${new Sealer(key).seal('desk-session', {
    id: 'forged-session-id',
    actor: { id: 'desk-officer-1', role: 'desk-officer' },
    csrfToken: 'forged-csrf',
    expiresAt: Date.now() + 3_600_000,
    seenAt: Date.now(),
    ...session,
  })}`;

describe('desk console: sealed sessions survive a restart and work on any replica, sign-outs hold', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'desk-sessions-'));
    env = { DESK_SESSION_SECRET: secret, DESK_SIGN_OUTS_FILE: path.join(dir, 'sign-outs') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an officer signed in across a restart, and on a second replica, without a shared session store', async () => {
    const { cookie } = await signIn(offlineTestApp(env), 'dev-desk-officer');
    assert.ok(await signedInWith(offlineTestApp(env), cookie), 'the restarted API opens the same cookie');
    assert.ok(await signedInWith(offlineTestApp(env), cookie), 'and so does another replica');
    assert.ok(!(await signedInWith(offlineTestApp({ ...env, DESK_SESSION_SECRET: `${secret}-other` }), cookie)));
  });

  it('refuses a cookie replayed after sign-out: on the same API, after a restart and on another replica', async () => {
    const replica = offlineTestApp(env);
    const app = offlineTestApp(env);
    const { cookie, csrf } = await signIn(app, 'dev-desk-officer');
    assert.ok(await signedInWith(replica, cookie));
    await request(app).post('/desk/sign-out').set('cookie', cookie).type('form').send({ _csrf: csrf }).expect(303);
    assert.ok(!(await signedInWith(app, cookie)), 'the same API');
    assert.ok(!(await signedInWith(offlineTestApp(env), cookie)), 'a restarted API');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a replica reads the file again within a second
    assert.ok(!(await signedInWith(replica, cookie)), 'a replica that was running all along');
    await request(app)
      .post('/desk/cases/case-BK-DESK-PROBE-1/actions/check-in')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, identity: 'verified' })
      .expect(401);
    assert.doesNotMatch(readFileSync(env.DESK_SIGN_OUTS_FILE!, 'utf8'), /desk-officer|csrf/);
  });

  it('ends the previous session when the same browser signs in again', async () => {
    const app = offlineTestApp(env);
    const { cookie } = await signIn(app, 'dev-desk-officer');
    const again = await request(app)
      .post('/desk/sign-in')
      .set('cookie', cookie)
      .type('form')
      .send({ token: 'dev-ind-officer' })
      .expect(303);
    assert.match(String(again.headers['set-cookie']), /^desk-session=v1\./);
    assert.ok(!(await signedInWith(app, cookie)), "the desk officer's cookie no longer opens");
  });

  it('refuses a tampered cookie, one sealed with another key, and a sealed value of another purpose', async () => {
    const app = offlineTestApp(env);
    const { cookie } = await signIn(app, 'dev-desk-officer');
    const value = cookie.slice('desk-session='.length);
    for (const at of [3, 20, Math.floor(value.length / 2), value.length - 2]) {
      const flipped = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
      assert.ok(!(await signedInWith(app, `desk-session=${flipped}`)), `a byte changed at ${at}`);
    }
    assert.ok(!(await signedInWith(app, `desk-session=${value.slice(0, -4)}`)), 'cut short');
    assert.ok(!(await signedInWith(app, sealedCookie({}, `${secret}-forger`))), 'sealed with another key');
    const flash = new Sealer(secret).seal('desk-flash', { id: 'x', actor: { id: 'a', role: 'operator' } });
    assert.ok(!(await signedInWith(app, `desk-session=${flash}`)), 'a flash cookie presented as a session');
    assert.ok(await signedInWith(app, sealedCookie({})), 'the control: a well-sealed session opens');
  });

  it('sends an expired session, absolute or idle, to sign in; a form of one is not taken', async () => {
    const app = offlineTestApp(env);
    const expired = sealedCookie({ expiresAt: Date.now() - 1000 });
    const idle = sealedCookie({ seenAt: Date.now() - 3_600_000 - 1000 });
    for (const cookie of [expired, idle]) {
      assert.ok(!(await signedInWith(app, cookie)));
      const res = await request(app)
        .post('/desk/cases/case-BK-DESK-PROBE-1/actions/check-in')
        .set('cookie', cookie)
        .type('form')
        .send({ _csrf: 'forged-csrf', identity: 'verified' });
      assert.equal(res.status, 401, 'the case was never asked');
      assert.match(res.text, /sessie is afgelopen; dit formulier is daarom niet verstuurd/);
      assert.match(res.text, /<a class="utrecht-link utrecht-link--html-a" href="\/desk\/sign-in">Inloggen<\/a>/);
    }
  });

  it('signs out an ended session without a fuss, and a language form of one returns to the page', async () => {
    const app = offlineTestApp(env);
    const expired = sealedCookie({ expiresAt: Date.now() - 1000 });
    const out = await request(app).post('/desk/sign-out').set('cookie', expired).type('form').send({ _csrf: 'x' });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/desk/sign-in');
    assert.match(String(out.headers['set-cookie']), /desk-session=; .*Max-Age=0/);
    const signedOut = await signIn(app, 'dev-desk-officer');
    const first = { _csrf: signedOut.csrf };
    await request(app).post('/desk/sign-out').set('cookie', signedOut.cookie).type('form').send(first).expect(303);
    const twice = await request(app).post('/desk/sign-out').set('cookie', signedOut.cookie).type('form').send(first);
    assert.equal(twice.status, 303, 'a second tab signs out of a session already ended');

    const lang = await request(app)
      .post('/desk/language')
      .set('cookie', expired)
      .type('form')
      .send({ _csrf: 'forged-csrf', lang: 'en', return: '/desk/cases/case-BK-DESK-PROBE-1' });
    assert.equal(lang.status, 303);
    assert.equal(lang.headers.location, '/desk/cases/case-BK-DESK-PROBE-1');
    assert.match(String(lang.headers['set-cookie']), /desk-lang=en/);
    const next = await request(app).get(String(lang.headers.location)).set('cookie', expired).expect(303);
    assert.equal(next.headers.location, '/desk/sign-in');
  });

  it("ignores a language form that is not of the officer's live session, and takes one that is", async () => {
    const app = offlineTestApp(env);
    const { cookie, csrf } = await signIn(app, 'dev-desk-officer');
    const forged = await request(app)
      .post('/desk/language')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: 'another-session', lang: 'en', return: '/desk' });
    assert.equal(forged.status, 303);
    assert.doesNotMatch(String(forged.headers['set-cookie'] ?? ''), /desk-lang/);
    const own = await request(app).get('/desk/sign-in').set('cookie', cookie);
    assert.match(own.text, new RegExp(`name="_csrf" value="${csrf}"`), "the sign-in page's switch carries the token");
    const taken = await request(app)
      .post('/desk/language')
      .set('cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, lang: 'en', return: '/desk' });
    assert.match(String(taken.headers['set-cookie']), /desk-lang=en/);
  });

  it("renews the idle clock on an officer's page, not on the day list's own refresh", async () => {
    const app = offlineTestApp(env);
    const cookie = sealedCookie({ seenAt: Date.now() - 5 * 60_000 });
    const refresh = await request(app).get('/desk').set('cookie', cookie).set('x-desk-refresh', '1');
    assert.equal(refresh.headers['set-cookie'], undefined);
    const page = await request(app).get('/desk').set('cookie', cookie);
    assert.match(String(page.headers['set-cookie']), /^desk-session=v1\./);
  });
});

describe('desk console: the session clock', () => {
  it('ends a session idle for DESK_SESSION_IDLE, and renewed pages keep it until DESK_SESSION_TTL', () => {
    let now = 1_000_000;
    const sessions = new Sessions(
      new Sealer(secret),
      new SignOuts(undefined, () => now),
      { ttlMs: 10_000, idleMs: 4000 },
      () => now,
    );
    let session = sessions.create({ id: 'officer', role: 'desk-officer' });
    for (let step = 0; step < 3; step += 1) {
      now += 3000;
      const opened = sessions.open(sessions.cookieOf(session).value);
      assert.ok(opened, `open after ${now - 1_000_000} ms`);
      session = sessions.touched(opened) ?? opened;
    }
    now += 1000; // 10 s after sign-in: past the absolute lifetime, although seen 1 s ago
    assert.equal(sessions.open(sessions.cookieOf(session).value), undefined);
    const idle = sessions.create({ id: 'officer', role: 'desk-officer' });
    now += 4000;
    assert.equal(sessions.open(sessions.cookieOf(idle).value), undefined);
  });
});
