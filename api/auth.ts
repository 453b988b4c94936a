import type { RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { roles, type Actor, type Role } from '../workflows/definitions';
import { HttpProblem } from './problem';
import { may, type Permission } from './roles';

export interface AuthOptions {
  /** `token=actorId:role,…` */
  staticTokens: string;
  jwtSecret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience: string;
}

export type Authenticate = (authorization: string | undefined) => Promise<Actor>;

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (roles as readonly string[]).includes(value);

/** Maps a bearer token to an actor: a configured static token, or a signed JWT (`sub` and a `role` claim). */
export function createAuthenticator(options: AuthOptions): Authenticate {
  const tokens = new Map<string, Actor>();
  for (const entry of options.staticTokens
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([^=]+)=([^:]+):(.+)$/.exec(entry);
    if (!match || !isRole(match[3]))
      throw new Error(`API_TOKENS entry "${entry.split('=')[0]}=…" is not token=actorId:role`);
    tokens.set(match[1]!, { id: match[2]!, role: match[3] });
  }
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;

  return async (authorization) => {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new HttpProblem(401, 'Unauthorized', 'Send `Authorization: Bearer <token>`.');
    const known = tokens.get(token);
    if (known) return known;
    if (token.split('.').length === 3 && (secret || jwks)) {
      try {
        const verifyOptions = { audience: options.audience, ...(options.issuer ? { issuer: options.issuer } : {}) };
        const { payload } = secret
          ? await jwtVerify(token, secret, verifyOptions)
          : await jwtVerify(token, jwks!, verifyOptions);
        if (typeof payload.sub === 'string' && isRole(payload.role)) return { id: payload.sub, role: payload.role };
      } catch {
        // fall through to the one answer for every bad token
      }
    }
    throw new HttpProblem(401, 'Unauthorized', 'The bearer token is unknown, expired or not signed for this API.');
  };
}

/** Authenticates the caller and checks the role matrix; the actor is in `res.locals.actor`. */
export function requirePermission(
  authenticate: Authenticate,
  permission: Permission | ((req: Parameters<RequestHandler>[0]) => Permission),
): RequestHandler {
  return async (req, res, next) => {
    const actor = await authenticate(req.headers.authorization);
    const needed = typeof permission === 'function' ? permission(req) : permission;
    if (!may(actor.role, needed)) {
      throw new HttpProblem(403, 'Forbidden', `The role ${actor.role} may not ${needed}.`);
    }
    res.locals.actor = actor;
    next();
  };
}
