import type { RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { ConfigError } from '../lib/config';
import { roles, type Actor, type Role } from '../workflows/definitions';
import { HttpProblem } from './problem';
import { may, type Permission } from './roles';

export interface AuthOptions {
  /** `token=actorId:role,…` */
  staticTokens: string;
  /** Shared secret: HS256 tokens only. */
  jwtSecret?: string;
  /** The issuer's JSON Web Key Set: asymmetric tokens only (see `asymmetricAlgorithms`). */
  jwksUrl?: string;
  /** How soon an unknown `kid` may refetch the key set, in milliseconds (jose's default: 30 s). */
  jwksCooldownMs?: number;
  issuer?: string;
  audience: string;
  /** Longest `exp - iat` (or `exp - now`) accepted, in milliseconds. */
  maxLifetimeMs: number;
}

export type Authenticate = (authorization: string | undefined) => Promise<Actor>;

/**
 * Fixed per kind of key, never read from the token: a JWKS of public keys must not verify an HMAC made with one
 * of them as the secret, and `none` is never a signature.
 */
const asymmetricAlgorithms = ['RS256', 'ES256', 'PS256', 'EdDSA'];
/** Clocks of the issuer and the API may disagree by this much, in seconds. */
const clockToleranceSeconds = 30;

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (roles as readonly string[]).includes(value);

/** Maps a bearer token to an actor: a configured static token, or a signed JWT (`sub` and a `role` claim). */
export function createAuthenticator(options: AuthOptions): Authenticate {
  const tokens = staticTokens(options.staticTokens);
  const verify = jwtVerifier(options);

  return async (authorization) => {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new HttpProblem(401, 'Unauthorized', 'Send `Authorization: Bearer <token>`.');
    const known = tokens.get(token);
    if (known) return known;
    if (token.split('.').length === 3 && verify) {
      try {
        const payload = await verify(token);
        if (isRole(payload.role)) return { id: payload.sub!, role: payload.role };
      } catch {
        // fall through to the one answer for every bad token
      }
    }
    throw new HttpProblem(401, 'Unauthorized', 'The bearer token is unknown, expired or not signed for this API.');
  };
}

function staticTokens(spec: string): Map<string, Actor> {
  const tokens = new Map<string, Actor>();
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const match = /^([^=]+)=([^:]+):(.+)$/.exec(entry);
    if (!match || !isRole(match[3])) {
      // Named by its place, never by its text: the token is a secret.
      throw new ConfigError(
        `Invalid configuration: API_TOKENS entry ${index + 1} of ${entries.length} is not token=actorId:role ` +
          `with a role of ${roles.join(', ')}`,
      );
    }
    tokens.set(match[1]!, { id: match[2]!, role: match[3] });
  }
  return tokens;
}

/** Verifies signature, algorithm, issuer, audience and time, then what jose leaves to us: `sub` and lifetime. */
function jwtVerifier(options: AuthOptions): ((token: string) => Promise<JWTPayload>) | undefined {
  const checks: JWTVerifyOptions = {
    audience: options.audience,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    requiredClaims: ['exp', 'sub'],
    clockTolerance: clockToleranceSeconds,
  };
  let verified: (token: string) => Promise<JWTPayload>;
  if (options.jwtSecret) {
    const secret = new TextEncoder().encode(options.jwtSecret);
    verified = async (token) => (await jwtVerify(token, secret, { ...checks, algorithms: ['HS256'] })).payload;
  } else if (options.jwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl), {
      ...(options.jwksCooldownMs !== undefined ? { cooldownDuration: options.jwksCooldownMs } : {}),
    });
    verified = async (token) => (await jwtVerify(token, jwks, { ...checks, algorithms: asymmetricAlgorithms })).payload;
  } else {
    return undefined;
  }
  return async (token) => {
    const payload = await verified(token);
    if (typeof payload.sub !== 'string' || payload.sub.trim() === '') throw new Error('empty sub');
    const maxSeconds = options.maxLifetimeMs / 1000;
    // exp - iat: issued for too long; exp - now: the same without iat, or behind an iat set in the future.
    if (payload.iat !== undefined && payload.exp! - payload.iat > maxSeconds) throw new Error('lifetime over maximum');
    if (payload.exp! - Date.now() / 1000 > maxSeconds + clockToleranceSeconds) throw new Error('lifetime over maximum');
    return payload;
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
