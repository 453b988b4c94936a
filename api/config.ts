import { ApiEnvSchema, ConfigError, parseEnv, type ApiConfig } from '../lib/config';
import type { AuthOptions } from './auth';

/**
 * The API's configuration, with the rules of production on top of the schema: no development token, JWTs of a
 * named issuer and audience. `env` is read again for JWT_AUDIENCE, because its development default must not pass
 * for a production decision.
 */
export function parseApiEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config = parseEnv(ApiEnvSchema, env);
  if (config.JWT_SECRET && config.JWT_JWKS_URL) {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET and JWT_JWKS_URL are both set: keep the one your issuer uses',
    );
  }
  if (config.NODE_ENV !== 'production') return config;
  const refuse = (why: string): never => {
    throw new ConfigError(`Invalid configuration for NODE_ENV=production: ${why}`);
  };
  // Named by their actors, never by the tokens: API_TOKENS is a secret.
  const devActors = config.API_TOKENS.split(',')
    .map((entry) => /^\s*(dev-[^=]*)=([^:]*)/.exec(entry)?.[2])
    .filter((actor) => actor !== undefined);
  if (devActors.length > 0) {
    refuse(
      `API_TOKENS holds development tokens (dev-…, of ${devActors.join(', ')}): set API_TOKENS= (empty) and use ` +
        'JWTs, or tokens of your own',
    );
  }
  if (!config.JWT_SECRET && !config.JWT_JWKS_URL) {
    refuse('JWT_SECRET or JWT_JWKS_URL is missing: set the JSON Web Key Set of your issuer (or an HS256 secret)');
  }
  if (!config.JWT_ISSUER) refuse('JWT_ISSUER is missing: set the `iss` your identity provider signs');
  if (!env.JWT_AUDIENCE) refuse('JWT_AUDIENCE is missing: set the `aud` of tokens meant for this API');
  return config;
}

/** What the authenticator needs of the configuration; the API, the tests and the benchmark share it. */
export function authOptionsOf(config: ApiConfig): AuthOptions {
  return {
    staticTokens: config.API_TOKENS,
    jwtSecret: config.JWT_SECRET,
    jwksUrl: config.JWT_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    maxLifetimeMs: config.JWT_MAX_LIFETIME,
  };
}
