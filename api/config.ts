import express from 'express';
import { ApiEnvSchema, ConfigError, parseEnv, type ApiConfig } from '../lib/config';
import type { AuthOptions } from './auth';

/**
 * The API's configuration, with the rules of production on top of the schema: no development token, JWTs of a
 * named issuer and audience. `env` is read again for JWT_AUDIENCE, because its development default must not pass
 * for a production decision.
 */
export function parseApiEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config = parseEnv(ApiEnvSchema, env);
  trustProxyOf(config);
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

/**
 * Express's `trust proxy` of API_TRUST_PROXY: a number of hops, or a list of addresses and subnets; false when
 * unset. Checked here, so that a typo stops the start instead of the first request.
 */
export function trustProxyOf(config: ApiConfig): number | string | false {
  const value = config.API_TRUST_PROXY?.trim();
  if (!value) return false;
  const setting = /^\d+$/.test(value) ? Number(value) : value;
  if (setting === 'true' || setting === 'false') {
    throw new ConfigError(
      `Invalid configuration: API_TRUST_PROXY="${value}": expected the number of proxies or their addresses ` +
        '(loopback, 10.0.0.0/8): trusting every sender would let any client claim https',
    );
  }
  try {
    express().set('trust proxy', setting);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration: API_TRUST_PROXY="${value}": ${(err as Error).message}; expected a number of proxies ` +
        'or addresses and subnets such as loopback, 10.0.0.0/8',
    );
  }
  return setting;
}
