import { ConfigError, type ApiConfig } from '../../lib/config';
import { roles, type Role } from '../../workflows/definitions';
import { consoleRoles } from './action-forms';
import { OidcSignIn } from './oidc';
import type { DeskOptions } from './router';
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
  return { devSignIn, oidc, sessionTtlMs: config.DESK_SESSION_TTL, location: config.DESK_LOCATION };
}
