import { randomBytes } from 'node:crypto';
import type { ActionName } from '../../workflows/actions';
import type { Actor } from '../../workflows/definitions';
import type { Sealer } from './sealed';
import type { SignOuts } from './sign-outs';

/** A signed-in officer: who, since when, and the token every form of the session carries against CSRF. */
export interface DeskSession {
  id: string;
  actor: Actor;
  csrfToken: string;
  /** When the session ends however busy the officer is (sign-in + DESK_SESSION_TTL), ms since the epoch. */
  expiresAt: number;
  /** When the officer last did something; DESK_SESSION_IDLE after it the session ends. */
  seenAt: number;
}

/** What the console remembers between sending an officer to the OpenID provider and their return. */
export interface PendingSignIn {
  id: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  expiresAt: number;
}

/** The answer of the action just taken, shown once by the page the officer is sent to next. */
export interface Flash {
  sessionId: string;
  caseId: string;
  action: ActionName;
  expiresAt: number;
}

const newId = (): string => randomBytes(32).toString('base64url');

/** How stale `seenAt` may get before a page renews the cookie: less Set-Cookie traffic, idle expiry still exact. */
const renewAfterMs = 60_000;

export interface SessionSettings {
  /** Absolute lifetime from sign-in, in ms. */
  ttlMs: number;
  /** Lifetime without activity, in ms. */
  idleMs: number;
}

/**
 * Sessions that live in their own cookie, sealed (AES-256-GCM) with DESK_SESSION_SECRET: any replica opens them,
 * a restart keeps them, and no store needs to be shared but the list of sign-outs, which keeps a copied cookie
 * refused after its officer signed out.
 */
export class Sessions {
  constructor(
    private readonly sealer: Sealer,
    private readonly signOuts: SignOuts,
    private readonly settings: SessionSettings,
    private readonly now: () => number = Date.now,
  ) {}

  create(actor: Actor): DeskSession {
    const now = this.now();
    return { id: newId(), actor, csrfToken: newId(), expiresAt: now + this.settings.ttlMs, seenAt: now };
  }

  /** The cookie's value, and how long the browser should keep it, in seconds. */
  cookieOf(session: DeskSession): { value: string; maxAgeSeconds: number } {
    return {
      value: this.sealer.seal('desk-session', session),
      maxAgeSeconds: Math.max(0, Math.floor((session.expiresAt - this.now()) / 1000)),
    };
  }

  /** The session of a cookie; undefined when it is not one of ours, has expired, or was signed out. */
  open(cookie: string | undefined): DeskSession | undefined {
    const session = asSession(this.sealer.open('desk-session', cookie));
    const now = this.now();
    if (!session || session.expiresAt <= now || session.seenAt + this.settings.idleMs <= now) return undefined;
    return this.signOuts.isRevoked(session.id) ? undefined : session;
  }

  /** The session seen now, when its cookie should be renewed to keep it from idling out; else undefined. */
  touched(session: DeskSession): DeskSession | undefined {
    const now = this.now();
    return now - session.seenAt >= Math.min(renewAfterMs, this.settings.idleMs / 10)
      ? { ...session, seenAt: now }
      : undefined;
  }

  end(session: DeskSession): void {
    this.signOuts.revoke(session.id, session.expiresAt);
  }

  startSignIn(values: Omit<PendingSignIn, 'id' | 'expiresAt'>): PendingSignIn {
    return { ...values, id: newId(), expiresAt: this.now() + 10 * 60_000 };
  }

  signInCookie(pending: PendingSignIn): string {
    return this.sealer.seal('desk-oidc', pending);
  }

  /** The pending sign-in, once: a second use of the same callback finds nothing, on any replica that shares sign-outs. */
  takeSignIn(cookie: string | undefined): PendingSignIn | undefined {
    const pending = this.sealer.open('desk-oidc', cookie) as PendingSignIn | undefined;
    if (typeof pending?.id !== 'string' || !(pending.expiresAt > this.now())) return undefined;
    if (this.signOuts.isRevoked(pending.id)) return undefined;
    this.signOuts.revoke(pending.id, pending.expiresAt);
    return pending;
  }

  flashCookie(session: DeskSession, caseId: string, action: ActionName): string {
    const flash: Flash = { sessionId: session.id, caseId, action, expiresAt: this.now() + 60_000 };
    return this.sealer.seal('desk-flash', flash);
  }

  /** The flash of this session for this case, if one is waiting. */
  flashOf(cookie: string | undefined, session: DeskSession, caseId: string): Flash | undefined {
    const flash = this.sealer.open('desk-flash', cookie) as Flash | undefined;
    return flash?.sessionId === session.id && flash.caseId === caseId && flash.expiresAt > this.now()
      ? flash
      : undefined;
  }
}

function asSession(value: unknown): DeskSession | undefined {
  const s = value as Partial<DeskSession> | undefined;
  return typeof s?.id === 'string' &&
    typeof s.csrfToken === 'string' &&
    typeof s.expiresAt === 'number' &&
    typeof s.seenAt === 'number' &&
    typeof s.actor?.id === 'string' &&
    typeof s.actor.role === 'string'
    ? (s as DeskSession)
    : undefined;
}
