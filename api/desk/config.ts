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
  const oidcSettings = [config.DESK_OIDC_CLIENT_ID, config.DESK_OIDC_CLIENT_SECRET, config.DESK_OIDC_REDIRECT_URL];
  if (!config.DESK_OIDC_ISSUER && oidcSettings.some((v) => v !== undefined)) {
    throw new ConfigError('Invalid configuration: DESK_OIDC_ISSUER is missing: the other DESK_OIDC_* settings need it');
  }
  let oidc: OidcSignIn | undefined;
  if (config.DESK_OIDC_ISSUER) {
    if (!config.DESK_OIDC_CLIENT_ID) throw new ConfigError('Invalid configuration: DESK_OIDC_CLIENT_ID is missing');
    if (!config.DESK_OIDC_REDIRECT_URL) {
      throw new ConfigError(
        "Invalid configuration: DESK_OIDC_REDIRECT_URL is missing: the console's /desk/oidc/callback",
      );
    }
    oidc = new OidcSignIn({
      issuer: config.DESK_OIDC_ISSUER,
      clientId: config.DESK_OIDC_CLIENT_ID,
      clientSecret: config.DESK_OIDC_CLIENT_SECRET,
      redirectUrl: config.DESK_OIDC_REDIRECT_URL,
      roleClaim: config.DESK_OIDC_ROLE_CLAIM,
    });
  }
  return { devSignIn, oidc, sessions: sessionsOf(config, oidc !== undefined), location: config.DESK_LOCATION };
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
