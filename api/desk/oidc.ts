import * as oidc from 'openid-client';
import { roles, type Actor, type Role } from '../../workflows/definitions';
import { consoleRoles } from './action-forms';
import type { PendingSignIn, Sessions } from './session';

export interface OidcOptions {
  /** The provider's issuer URL; its discovery document is read at the first sign-in. */
  issuer: string;
  clientId: string;
  /** Omitted: a public client, which PKCE alone protects. */
  clientSecret?: string;
  /** The console's callback, `https://…/desk/oidc/callback`, as registered at the provider. */
  redirectUrl: string;
  /** The claim of the ID token that names the officer's role, one of the API's roles. */
  roleClaim: string;
}

/** A sign-in the provider or its answer refused; the officer reads `message`. */
export class SignInRefused extends Error {
  override readonly name = 'SignInRefused';
}

const isConsoleRole = (value: unknown): value is Role =>
  typeof value === 'string' &&
  (roles as readonly string[]).includes(value) &&
  (consoleRoles as readonly string[]).includes(value);

const loopback = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//;

/**
 * Sign-in through the organisation's OpenID Connect provider: authorization code with PKCE (S256), state and
 * nonce, with `openid-client`. The role comes from a claim of the ID token and is checked against the same roles
 * as the API's; the provider's tokens are not kept, as the console needs only who signed in.
 */
export class OidcSignIn {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly options: OidcOptions) {}

  /** The provider's redirect back as `openid-client` checks it: the registered URL with the query received. */
  callbackUrl(originalUrl: string): URL {
    const url = new URL(this.options.redirectUrl);
    url.search = new URL(originalUrl, url).search;
    return url;
  }

  private discover(): Promise<oidc.Configuration> {
    // Plain http only on loopback: a test's provider, or one on the developer's machine.
    const insecure = loopback.test(this.options.issuer.endsWith('/') ? this.options.issuer : `${this.options.issuer}/`);
    this.configuration ??= oidc
      .discovery(
        new URL(this.options.issuer),
        this.options.clientId,
        this.options.clientSecret,
        this.options.clientSecret ? oidc.ClientSecretPost(this.options.clientSecret) : oidc.None(),
        insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        this.configuration = undefined; // the next sign-in asks again
        throw err;
      });
    return this.configuration;
  }

  /**
   * Reads the provider's discovery document now, so that an issuer that does not answer, or answers as another
   * issuer, shows in the log at start instead of at the first officer's sign-in. Undefined: all well.
   */
  async check(): Promise<string | undefined> {
    try {
      await this.discover();
      return undefined;
    } catch (err) {
      return `DESK_OIDC_ISSUER="${this.options.issuer}": its discovery document was not accepted (${(err as Error).message}); check the issuer URL`;
    }
  }

  /** Where to send the officer, and what to remember until they return. */
  async start(sessions: Sessions): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.discover();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending = sessions.startSignIn({ codeVerifier, state: oidc.randomState(), nonce: oidc.randomNonce() });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUrl,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /** The officer the provider vouches for, from its redirect back (`callback`: the full URL with its query). */
  async finish(callback: URL, pending: PendingSignIn): Promise<Actor> {
    const config = await this.discover();
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      throw new SignInRefused(`The identity provider's answer was not accepted: ${(err as Error).message}`);
    }
    if (!claims?.sub) throw new SignInRefused('The identity provider named no user.');
    const claimed = claims[this.options.roleClaim];
    const candidates = (Array.isArray(claimed) ? claimed : [claimed]).filter(isConsoleRole);
    if (candidates.length !== 1) {
      throw new SignInRefused(
        `Your account needs exactly one console role in its "${this.options.roleClaim}" claim (one of ${consoleRoles.join(', ')}).`,
      );
    }
    return { id: claims.sub, role: candidates[0]! };
  }
}
