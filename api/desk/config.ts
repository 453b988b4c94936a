import { randomBytes } from 'node:crypto';
import { ConfigError, type ApiConfig } from '../../lib/config';
import { roles, type Role } from '../../workflows/definitions';
import { consoleRoles } from './action-forms';
import { OidcSignIn } from './oidc';
import type { DeskOptions } from './router';
import { Sealer } from './sealed';
import { Sessions } from './session';
import { SignOuts } from './sign-outs';
import type { DevSignInChoice } from './simple-pages';

const isConsoleRole = (role: string): role is Role =>
  (roles as readonly string[]).includes(role) && (consoleRoles as readonly string[]).includes(role);

/**
 * The console's settings: the development tokens of `API_TOKENS` as sign-in choices outside production, and the
 * OpenID Connect provider when `DESK_OIDC_ISSUER` is set (then its client id and redirect URL are required).
 */
export function deskOptionsOf(config: ApiConfig): DeskOptions {
  const devSignIn: DevSignInChoice[] =
    config.NODE_ENV === 'production'
      ? []
      : config.API_TOKENS.split(',').flatMap((entry) => {
          const match = /^(dev-[^=]+)=([^:]+):(.+)$/.exec(entry.trim());
          return match && isConsoleRole(match[3]!)
            ? [{ token: match[1]!, actor: { id: match[2]!, role: match[3] } }]
            : [];
        });
  const oidc = oidcOf(config);
  return { devSignIn, oidc, sessions: sessionsOf(config, oidc !== undefined), location: config.DESK_LOCATION };
}

function refuse(why: string): never {
  throw new ConfigError(`Invalid configuration: ${why}`);
}

const loopbackUrl = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/;

/**
 * Sign-in through the organisation's provider, its settings checked as a whole at start rather than at the first
 * officer's sign-in: each refusal names the variable and what to set.
 */
function oidcOf(config: ApiConfig): OidcSignIn | undefined {
  const issuer = config.DESK_OIDC_ISSUER;
  const others = (['DESK_OIDC_CLIENT_ID', 'DESK_OIDC_CLIENT_SECRET', 'DESK_OIDC_REDIRECT_URL'] as const).filter(
    (name) => config[name] !== undefined,
  );
  if (!issuer) {
    if (others.length > 0) {
      refuse(
        `DESK_OIDC_ISSUER is missing, but ${others.join(', ')} ${others.length > 1 ? 'are' : 'is'} set: set the ` +
          "issuer URL of the console's OpenID Connect provider, or unset the other DESK_OIDC_* settings",
      );
    }
    return undefined;
  }
  if (!config.DESK_OIDC_CLIENT_ID) {
    refuse('DESK_OIDC_CLIENT_ID is missing: set the client id the provider of DESK_OIDC_ISSUER gave the console');
  }
  const redirect = config.DESK_OIDC_REDIRECT_URL;
  if (!redirect) {
    refuse(
      "DESK_OIDC_REDIRECT_URL is missing: set the console's callback as registered at the provider, " +
        'https://<console host>/desk/oidc/callback',
    );
  }
  if (new URL(redirect).pathname !== '/desk/oidc/callback') {
    refuse(
      `DESK_OIDC_REDIRECT_URL="${redirect}" is not the console's callback: set https://<console host>/desk/oidc/callback ` +
        '(and register that at the provider)',
    );
  }
  if (issuer.startsWith('http:') && !loopbackUrl.test(issuer)) {
    refuse(`DESK_OIDC_ISSUER="${issuer}": expected an https URL (plain http only on this machine's loopback)`);
  }
  if (config.NODE_ENV === 'production' && !redirect.startsWith('https:')) {
    refuse(
      `DESK_OIDC_REDIRECT_URL="${redirect}": in production the console must be served over https: set its https ` +
        'address, and API_TRUST_PROXY to the proxy that terminates TLS',
    );
  }
  if (config.NODE_ENV === 'production' && !config.API_TRUST_PROXY) {
    refuse(
      'API_TRUST_PROXY is missing: the console is reached over https (DESK_OIDC_REDIRECT_URL) through a proxy; set ' +
        "the proxy's address (e.g. loopback or 10.0.0.0/8) so its X-Forwarded-Proto makes the session cookie Secure",
    );
  }
  return new OidcSignIn({
    issuer,
    clientId: config.DESK_OIDC_CLIENT_ID,
    clientSecret: config.DESK_OIDC_CLIENT_SECRET,
    redirectUrl: redirect,
    roleClaim: config.DESK_OIDC_ROLE_CLAIM,
  });
}

/**
 * Outside production an unset secret is a random one of this process (a restart signs everyone out; `make dev`
 * keeps one in .data/). In production, where only the OpenID provider signs officers in, both the secret and the
 * sign-outs file are required, or a restart would either sign everyone out or accept signed-out cookies again.
 */
function sessionsOf(config: ApiConfig, canSignIn: boolean): Sessions {
  if (config.NODE_ENV === 'production' && canSignIn) {
    if (!config.DESK_SESSION_SECRET) {
      throw new ConfigError(
        'Invalid configuration for NODE_ENV=production: DESK_SESSION_SECRET is missing: set 32+ random characters ' +
          "(e.g. `openssl rand -base64 32`), the same for every API replica, to seal the console's sessions",
      );
    }
    if (!config.DESK_SIGN_OUTS_FILE) {
      throw new ConfigError(
        'Invalid configuration for NODE_ENV=production: DESK_SIGN_OUTS_FILE is missing: set a file every API ' +
          'replica can write (a shared volume), so that a signed-out session stays refused after a restart',
      );
    }
  }
  return new Sessions(
    new Sealer(config.DESK_SESSION_SECRET ?? randomBytes(32)),
    new SignOuts(config.DESK_SIGN_OUTS_FILE),
    { ttlMs: config.DESK_SESSION_TTL, idleMs: config.DESK_SESSION_IDLE },
  );
}
