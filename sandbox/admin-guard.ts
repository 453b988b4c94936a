import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AgencyProblem } from './problem';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (`::ffff:127.0.0.1`), which a dual-stack listener reports. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Who may steer the agencies (`/_admin`: e-mails, the ledger, reset, faults). With a token: whoever sends it, from
 * anywhere. Without one: only a caller on this machine, judged by the socket's address (never by a header such as
 * X-Forwarded-For, which any caller can write).
 */
export function adminGuard(adminToken: string | undefined): RequestHandler {
  return (req: Request, _res, next) => {
    if (adminToken) {
      const [scheme, credentials] = (req.headers.authorization ?? '').split(' ');
      if (scheme?.toLowerCase() === 'bearer' && credentials && sameSecret(credentials, adminToken)) return next();
      throw new AgencyProblem(401, 'unauthorized', 'The admin API needs its bearer token (SANDBOX_ADMIN_TOKEN).');
    }
    if (isLoopback(req.socket.remoteAddress)) return next();
    throw new AgencyProblem(
      403,
      'forbidden',
      'The admin API answers only on this machine; set SANDBOX_ADMIN_TOKEN to reach it from elsewhere.',
    );
  };
}
