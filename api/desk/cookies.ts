import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { isLang, langOf, type Lang } from './i18n';

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
