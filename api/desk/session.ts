import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { UnrunnableCaseView } from '../../lib/temporal/visibility';
import type { ActionName } from '../../workflows/actions';
import type { Actor, CaseView } from '../../workflows/definitions';
import { isLang, langOf, type Lang } from './i18n';

/** A signed-in officer: who, since when, and the token every form of the session carries against CSRF. */
export interface DeskSession {
  id: string;
  actor: Actor;
  csrfToken: string;
  expiresAt: number;
  /** The answer of the action just taken, shown once by the page the officer is sent to next. */
  flash?: { caseId: string; action: ActionName; view: CaseView | UnrunnableCaseView };
}

/** What the console remembers between sending an officer to the OpenID provider and their return. */
export interface PendingSignIn {
  id: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  expiresAt: number;
}

const newId = (): string => randomBytes(32).toString('base64url');

/**
 * Sessions live in this process's memory, keyed by a random id: the cookie holds the id alone, never a token, so
 * signing out ends the session everywhere the cookie was copied. One API replica per console (or sticky
 * sessions) until sessions move to a shared store.
 */
export class SessionStore {
  private readonly sessions = new Map<string, DeskSession>();
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(actor: Actor): DeskSession {
    this.sweep();
    const session = { id: newId(), actor, csrfToken: newId(), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): DeskSession | undefined {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  startSignIn(values: Omit<PendingSignIn, 'id' | 'expiresAt'>): PendingSignIn {
    this.sweep();
    const pending = { ...values, id: newId(), expiresAt: this.now() + 10 * 60_000 };
    this.pending.set(pending.id, pending);
    return pending;
  }

  /** The pending sign-in, once: a second use of the same callback finds nothing. */
  takeSignIn(id: string | undefined): PendingSignIn | undefined {
    if (id === undefined) return undefined;
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending && pending.expiresAt > this.now() ? pending : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
  }
}

export function cookiesOf(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return cookies;
}

/** `__Host-` binds the cookie to this origin over https; plain http (make dev, tests) cannot carry the prefix. */
const cookieName = (req: Request, name: string): string => (req.secure ? `__Host-${name}` : name);

/**
 * Sets an HttpOnly cookie for the console's path `/desk`, so the API's JSON routes never see it (`__Host-` cookies,
 * over https, must have `Path=/`). `Strict` for the session: no other site can make the browser send it. `Lax`
 * only for the short-lived pending sign-in, which must come back with the identity provider's redirect.
 */
export function setCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  options: { sameSite: 'Strict' | 'Lax'; maxAgeSeconds?: number },
): void {
  const parts = [
    `${cookieName(req, name)}=${encodeURIComponent(value)}`,
    // __Host- cookies must have Path=/; elsewhere the console's own path keeps the cookie from the API's routes.
    `Path=${req.secure ? '/' : '/desk'}`,
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    ...(req.secure ? ['Secure'] : []),
    ...(options.maxAgeSeconds !== undefined ? [`Max-Age=${options.maxAgeSeconds}`] : []),
  ];
  res.append('Set-Cookie', parts.join('; '));
}

export const readCookie = (req: Request, name: string): string | undefined => cookiesOf(req)[cookieName(req, name)];

export const clearCookie = (req: Request, res: Response, name: string): void =>
  setCookie(req, res, name, '', { sameSite: 'Strict', maxAgeSeconds: 0 });

export function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The language the officer chose (a cookie, not personal data), else the browser's. */
export function langOfRequest(req: Request): Lang {
  const chosen = readCookie(req, 'desk-lang');
  return isLang(chosen) ? chosen : langOf(req.headers['accept-language']);
}
