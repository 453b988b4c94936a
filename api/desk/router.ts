import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { deskDayOutOfBounds } from '../../domain/dates';
import type { Logger } from '../../lib/logger';
import { isActionName } from '../../workflows/actions';
import type { Actor } from '../../workflows/definitions';
import type { Authenticate } from '../auth';
import type { CaseService } from '../case-service';
import { HttpProblem } from '../problem';
import { takeAction } from '../routes/actions';
import { caseIdParam } from '../routes/cases';
import { consoleActions, formBody, waitsOnRole } from './action-forms';
import { serveAsset } from './assets';
import { dayRows, refusedOutcome, renderCase } from './case-data';
import { dayFilters, dayListPage } from './day-list-page';
import { deskErrors, deskPolicy, refuseOtherSites } from './http';
import { messages } from './i18n';
import { deskToday, type PageContext } from './layout';
import { SignInRefused, type OidcSignIn } from './oidc';
import { clearCookie, langOfRequest, readCookie, sameToken, setCookie } from './cookies';
import type { DeskSession, Sessions } from './session';
import { signedInPage, signInPage, type DevSignInChoice } from './simple-pages';

export interface DeskOptions {
  /** The development tokens offered at sign-in; none in production. */
  devSignIn: DevSignInChoice[];
  /** Sign-in through the organisation's OpenID Connect provider, when configured. */
  oidc?: OidcSignIn;
  /** Sessions sealed into their cookies, and the sign-outs that keep a copied cookie refused. */
  sessions: Sessions;
  /** The desk whose day list opens first. */
  location: string;
  /** How often the day list refreshes itself, in seconds. */
  refreshSeconds?: number;
}

interface DeskDeps extends DeskOptions {
  cases: CaseService;
  authenticate: Authenticate;
  logger: Logger;
}

const sessionCookie = 'desk-session';
const pendingCookie = 'desk-oidc';
const langCookie = 'desk-lang';
const flashCookie = 'desk-flash';

/** The day list's own refresh: it must not keep an officer who walked away signed in. */
const isBackgroundRefresh = (req: Request): boolean => req.headers['x-desk-refresh'] === '1';

const DayQuerySchema = z.object({
  date: z.iso.date().optional(),
  location: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,64}$/)
    .optional(),
  filter: z.enum(dayFilters).default('all'),
});

/** A page's own path and query, for the language switch to return to: only console paths, nothing else. */
const returnPath = (value: unknown): string =>
  typeof value === 'string' && /^\/desk(\/[A-Za-z0-9/_-]*)?(\?[A-Za-z0-9=&_.:%-]*)?$/.test(value) ? value : '/desk';

const keyPattern = /^[A-Za-z0-9-]{8,64}$/;

/** The desk console at `/desk`: server-rendered pages over the same case service, roles and actions as the API. */
export function deskRouter(deps: DeskDeps): Router {
  const router = Router();
  const sessions = deps.sessions;
  const refreshSeconds = deps.refreshSeconds ?? 30;

  router.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', deskPolicy);
    // The API's no-referrer makes a browser post forms with `Origin: null`; same-origin keeps the origin for the
    // console's own forms and still tells other sites nothing.
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  router.get('/assets/:name', serveAsset);
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }));
  // A post that is not a form (JSON, plain text, no body at all) leaves Express 5's body undefined: read as an empty
  // form, it is refused for what it lacks (the role, the CSRF token), not answered 500.
  router.use((req, _res, next) => {
    req.body ??= {};
    next();
  });
  router.use(refuseOtherSites);

  const ctxOf = (req: Request, session?: DeskSession): PageContext => ({
    lang: langOfRequest(req),
    session,
    here: returnPath(req.originalUrl),
  });
  const sessionOf = (req: Request): DeskSession | undefined => sessions.open(readCookie(req, sessionCookie));
  const sendSession = (req: Request, res: Response, session: DeskSession): void => {
    const { value, maxAgeSeconds } = sessions.cookieOf(session);
    setCookie(req, res, sessionCookie, value, { sameSite: 'Strict', maxAgeSeconds });
  };

  /** The signed-in officer; a form must also carry the session's CSRF token. */
  const signedIn: RequestHandler = (req, res, next) => {
    const session = sessionOf(req);
    if (!session) {
      if (req.method === 'GET') return res.redirect(303, '/desk/sign-in');
      throw new HttpProblem(401, 'Unauthorized', messages[langOfRequest(req)].sessionEnded);
    }
    if (
      req.method === 'POST' &&
      !sameToken((req.body as Record<string, unknown> | undefined)?._csrf, session.csrfToken)
    ) {
      throw new HttpProblem(403, 'Forbidden', 'This form is not from your session; reload the page and try again.');
    }
    const touched = isBackgroundRefresh(req) ? undefined : sessions.touched(session);
    if (touched) sendSession(req, res, touched);
    res.locals.session = touched ?? session;
    next();
  };
  const sessionIn = (res: Response): DeskSession => res.locals.session as DeskSession;

  const beginSession = (req: Request, res: Response, actor: Actor): void => {
    // Signing in again (another role, another officer at the same browser) ends the session the cookie held, so no
    // copy of the old cookie outlives it.
    const previous = sessionOf(req);
    if (previous) sessions.end(previous);
    sendSession(req, res, sessions.create(actor));
  };

  router.get('/sign-in', (req, res) => {
    // An officer still signed in sees it as such, and its language switch carries the session's token.
    const ctx = ctxOf(req, sessionOf(req));
    res.type('html').send(String(signInPage(ctx, { dev: deps.devSignIn, oidc: deps.oidc !== undefined })));
  });

  router.post('/sign-in', async (req, res) => {
    const token = (req.body as Record<string, unknown>).token;
    const choice = deps.devSignIn.find((c) => c.token === token);
    if (!choice) throw new HttpProblem(400, 'Bad Request', 'Pick one of the roles offered.');
    const actor = await deps.authenticate(`Bearer ${choice.token}`);
    beginSession(req, res, actor);
    res.redirect(303, '/desk');
  });

  router.get('/sign-in/oidc', async (req, res) => {
    if (!deps.oidc) throw new HttpProblem(404, 'Not Found', messages[langOfRequest(req)].signInNone);
    const { url, pending } = await deps.oidc.start(sessions);
    setCookie(req, res, pendingCookie, sessions.signInCookie(pending), { sameSite: 'Lax', maxAgeSeconds: 600 });
    res.redirect(303, url.href);
  });

  router.get('/oidc/callback', async (req, res) => {
    if (!deps.oidc) throw new HttpProblem(404, 'Not Found', messages[langOfRequest(req)].signInNone);
    const pending = sessions.takeSignIn(readCookie(req, pendingCookie));
    clearCookie(req, res, pendingCookie);
    const refuse = (status: number, error: string): void => {
      res
        .status(status)
        .type('html')
        .send(String(signInPage(ctxOf(req), { dev: deps.devSignIn, oidc: true, error })));
    };
    if (!pending) return refuse(400, 'This sign-in was not started here, or it expired; sign in again.');
    try {
      const callback = deps.oidc.callbackUrl(req.originalUrl);
      const actor = await deps.oidc.finish(callback, pending);
      beginSession(req, res, actor);
      res.type('html').send(String(signedInPage(ctxOf(req))));
    } catch (err) {
      if (!(err instanceof SignInRefused)) throw err;
      deps.logger.warn({ err: err.message }, 'desk sign-in refused');
      refuse(403, err.message);
    }
  });

  // A session that has already ended (expired, signed out in another tab) signs out all the same: the officer
  // wanted out and is. Only a live session needs its CSRF token, so no other page can sign an officer out.
  router.post('/sign-out', (req, res) => {
    const session = sessionOf(req);
    if (session && !sameToken((req.body as Record<string, unknown>)._csrf, session.csrfToken)) {
      throw new HttpProblem(403, 'Forbidden', 'This form is not from your session; reload the page and try again.');
    }
    if (session) sessions.end(session);
    clearCookie(req, res, sessionCookie);
    res.redirect(303, '/desk/sign-in');
  });

  // The language is the browser's, not the session's: a form of an ended or another session changes nothing and
  // returns to the page, which sends an officer without a session to sign in.
  router.post('/language', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const session = sessionOf(req);
    if (!session || sameToken(body._csrf, session.csrfToken)) {
      setCookie(req, res, langCookie, body.lang === 'en' ? 'en' : 'nl', {
        sameSite: 'Strict',
        maxAgeSeconds: 365 * 86_400,
      });
    }
    res.redirect(303, returnPath(body.return));
  });

  router.get('/', signedIn, async (req, res) => {
    const session = sessionIn(res);
    const parsed = DayQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new HttpProblem(400, 'Bad Request', 'The date, desk or filter is not valid.');
    const date = parsed.data.date ?? deskToday();
    const outOfBounds = deskDayOutOfBounds(date);
    if (outOfBounds) throw new HttpProblem(400, 'Bad Request', outOfBounds);
    const location = parsed.data.location ?? deps.location;
    const rows = await dayRows(deps.cases, session.actor, location, date);
    const filter = parsed.data.filter;
    const shown = rows.filter((row) =>
      filter === 'mine' ? waitsOnRole(row.waitingOn, session.actor.role) : filter === 'problems' ? row.problem : true,
    );
    res
      .type('html')
      .send(String(dayListPage(ctxOf(req, session), { date, location, filter, rows: shown, refreshSeconds })));
  });

  router.get('/cases/:caseId', signedIn, async (req, res) => {
    const session = sessionIn(res);
    const caseId = caseIdParam(req.params.caseId);
    const flash = sessions.flashOf(readCookie(req, flashCookie), session, caseId);
    if (flash) clearCookie(req, res, flashCookie);
    const outcome = flash ? { action: flash.action, ok: true } : undefined;
    res.type('html').send(String(await renderCase(deps.cases, ctxOf(req, session), caseId, outcome)));
  });

  router.post('/cases/:caseId/actions/:action', signedIn, async (req, res) => {
    const session = sessionIn(res);
    const caseId = caseIdParam(req.params.caseId);
    const action = String(req.params.action);
    if (!isActionName(action) || !consoleActions(session.actor.role).includes(action)) {
      throw new HttpProblem(403, 'Forbidden', `The role ${session.actor.role} may not ${action.slice(0, 40)} here.`);
    }
    const form = req.body as Record<string, unknown>;
    const key = typeof form._key === 'string' && keyPattern.test(form._key) ? form._key : randomUUID();
    const body = formBody(action, form);
    const ctx = ctxOf(req, session);
    try {
      await takeAction(deps.cases, { caseId, action, body, actor: session.actor, key });
      // Post, redirect, get: the page says once that the action was taken, and a reload reads the case afresh
      // instead of sending the form again. The case page reads the case after the update, as the update left it.
      setCookie(req, res, flashCookie, sessions.flashCookie(session, caseId, action), {
        sameSite: 'Strict',
        maxAgeSeconds: 60,
      });
      res.redirect(303, `/desk/cases/${caseId}`);
    } catch (err) {
      const outcome = refusedOutcome(err, action, form, ctx);
      if (!outcome) throw err;
      res
        .status((err as HttpProblem).status)
        .type('html')
        .send(String(await renderCase(deps.cases, ctx, caseId, outcome)));
    }
  });

  router.use(deskErrors(deps.logger, (req) => ctxOf(req, sessionOf(req))));
  return router;
}
