import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { ConfigError, type TemporalEnv } from '../config';

/** Options both `Connection.connect` / `Connection.lazy` (client) and `NativeConnection.connect` (worker) take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | false;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** Where a process's Temporal is, and how it is reached: the one place that turns configuration into a connection. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  connectionOptions: TemporalConnectionOptions;
  /** `plaintext`, `TLS`, `mTLS` or `TLS + API key`, for the start-up log line. */
  security: string;
}

type PemField = 'clientCert' | 'clientKey' | 'serverCACert';

/** The variable and the config-file key of each PEM, so a message names what the operator wrote. */
const pemSource: Record<PemField, { env: string; toml: string }> = {
  clientCert: { env: 'TEMPORAL_TLS_CLIENT_CERT', toml: 'client_cert' },
  clientKey: { env: 'TEMPORAL_TLS_CLIENT_KEY', toml: 'client_key' },
  serverCACert: { env: 'TEMPORAL_TLS_SERVER_CA_CERT', toml: 'server_ca_cert' },
};

/**
 * Resolves the Temporal connection the way Temporal's own tools do (`@temporalio/envconfig`): the profile
 * `TEMPORAL_PROFILE` (default `default`) of `TEMPORAL_CONFIG_FILE` (default ~/.config/temporalio/temporal.toml,
 * when it exists), overridden by `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY` and `TEMPORAL_TLS_*`.
 * Reads and checks the certificates now, so a missing file or a key without its certificate stops the process at
 * start-up with a ConfigError that names the variable and the fix, not at the first call.
 */
export function temporalTarget(config: TemporalEnv, env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  // An empty variable means none (the project's rule); envconfig would take "" as a value.
  const given = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const profileName = config.TEMPORAL_PROFILE ?? 'default';
  const profile = loadProfile(config, given, profileName);
  const where = (field: PemField, kind: 'PATH' | 'DATA'): string => {
    const source = pemSource[field];
    return given[`${source.env}_${kind}`] !== undefined
      ? `${source.env}_${kind}`
      : `${source.toml}_${kind.toLowerCase()} of profile "${profileName}"`;
  };

  const tlsSettings = profile.tls ?? {};
  const pem = (field: PemField): Buffer | undefined => readPem(tlsSettings[field], (kind) => where(field, kind));
  const clientCert = pem('clientCert');
  const clientKey = pem('clientKey');
  const serverCACert = pem('serverCACert');
  if (!clientCert !== !clientKey) {
    const [has, lacks] = clientCert ? (['clientCert', 'clientKey'] as const) : (['clientKey', 'clientCert'] as const);
    // The missing half is named where its partner was written: the same variables, or the same profile.
    const fromEnv = !where(has, 'PATH').includes(' of profile ');
    const missing = fromEnv
      ? `${pemSource[lacks].env}_PATH`
      : `${pemSource[lacks].toml}_path of profile "${profileName}"`;
    throw new ConfigError(
      `Invalid configuration: ${where(has, 'PATH')} is set but ${missing} is not: mTLS needs the ` +
        `client certificate and its private key; set both, or neither`,
    );
  }
  if (clientCert && clientKey) checkKeyPair(clientCert, clientKey, where('clientCert', 'PATH'));
  if (serverCACert) certificate(serverCACert, where('serverCACert', 'PATH'));

  const tlsOff = tlsSettings.disabled === true;
  if (tlsOff && (clientCert ?? serverCACert)) {
    throw new ConfigError(
      'Invalid configuration: TEMPORAL_TLS=false, but certificates are configured: unset TEMPORAL_TLS, or the certificates',
    );
  }
  if (tlsOff && profile.apiKey) {
    throw new ConfigError(
      'Invalid configuration: TEMPORAL_API_KEY is set with TEMPORAL_TLS=false: an API key travels over TLS only; unset TEMPORAL_TLS',
    );
  }
  const useTls = !tlsOff && (profile.tls !== undefined || profile.apiKey !== undefined);
  const tls: TLSConfig | false = useTls
    ? {
        ...(tlsSettings.serverName ? { serverNameOverride: tlsSettings.serverName } : {}),
        ...(serverCACert ? { serverRootCACertificate: serverCACert } : {}),
        ...(clientCert && clientKey ? { clientCertPair: { crt: clientCert, key: clientKey } } : {}),
      }
    : false;

  const address = profile.address ?? config.TEMPORAL_ADDRESS;
  return {
    address,
    namespace: profile.namespace ?? config.TEMPORAL_NAMESPACE,
    connectionOptions: {
      address,
      tls,
      ...(profile.apiKey ? { apiKey: profile.apiKey } : {}),
      ...(profile.grpcMeta ? { metadata: profile.grpcMeta } : {}),
    },
    security: profile.apiKey ? 'TLS + API key' : !useTls ? 'plaintext' : clientCert ? 'mTLS' : 'TLS',
  };
}

function loadProfile(config: TemporalEnv, given: Record<string, string>, profileName: string): ClientConfigProfile {
  const file = config.TEMPORAL_CONFIG_FILE;
  if (file !== undefined && !existsSync(file)) {
    throw new ConfigError(
      `Invalid configuration: TEMPORAL_CONFIG_FILE="${file}": no such file; point it at a Temporal config file (TOML) or unset it`,
    );
  }
  const fileName = file ?? '~/.config/temporalio/temporal.toml';
  try {
    return loadClientConfigProfile({ overrideEnvVars: given, configFileStrict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // A file without any [profile.*] table (empty, only comments): envconfig trips over it; it holds no settings.
    if (err instanceof TypeError && config.TEMPORAL_PROFILE === undefined) {
      return loadClientConfigProfile({ overrideEnvVars: given, disableFile: true });
    }
    if (/Profile '.*' not found/.test(message) || err instanceof TypeError) {
      throw new ConfigError(
        `Invalid configuration: TEMPORAL_PROFILE="${profileName}": no [profile.${profileName}] in ${fileName}; ` +
          'add it there, or unset TEMPORAL_PROFILE',
      );
    }
    throw new ConfigError(`Invalid configuration: the Temporal config file ${fileName}: ${message}`);
  }
}

function readPem(source: ConfigDataSource | undefined, where: (kind: 'PATH' | 'DATA') => string): Buffer | undefined {
  if (!source) return undefined;
  if ('data' in source) return Buffer.from(source.data);
  if (!existsSync(source.path)) {
    throw new ConfigError(
      `Invalid configuration: ${where('PATH')}="${source.path}": no such file; point it at the PEM file, or unset it`,
    );
  }
  return readFileSync(source.path);
}

function certificate(pem: Buffer, where: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new ConfigError(`Invalid configuration: ${where}: not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  if (Date.parse(cert.validTo) < Date.now()) {
    throw new ConfigError(`Invalid configuration: ${where}: the certificate expired on ${cert.validTo}; renew it`);
  }
  return cert;
}

function checkKeyPair(certPem: Buffer, keyPem: Buffer, where: string): void {
  const cert = certificate(certPem, where);
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    const keyWhere = where.replace('CERT', 'KEY').replace('cert', 'key');
    throw new ConfigError(`Invalid configuration: ${keyWhere}: not a PEM private key (unencrypted)`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigError(
      `Invalid configuration: the client key does not belong to the certificate of ${where}; use the key it was issued for`,
    );
  }
}
