import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** docker-compose.yml as the consistency tests read it (test/unit/deployment.test.ts, compose-production.test.ts). */
export const root = path.resolve(__dirname, '..', '..', '..');

export interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  ports?: string[];
  volumes?: Array<string | { target?: string }>;
  healthcheck?: { test?: string | string[] };
  command?: string | string[];
  entrypoint?: string | string[];
  depends_on?: string[] | Record<string, unknown>;
  environment?: string[] | Record<string, unknown>;
  deploy?: { replicas?: number };
}

// Docker Compose honours `<<` merge keys; YAML 1.2 parsers leave them off unless asked.
export const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
export const services = Object.entries(compose.services);

export function service(name: string): Service {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

export function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

export function names(value: string[] | Record<string, unknown> | undefined): string[] {
  return Array.isArray(value) ? value : Object.keys(value ?? {});
}

/** Compose accepts `environment` as a mapping or as a list of `NAME=value`. */
export function environment(svc: Service): Map<string, string> {
  const entries = Array.isArray(svc.environment)
    ? svc.environment.map((entry) => [entry.split('=')[0] ?? '', entry.slice(entry.indexOf('=') + 1)] as const)
    : Object.entries(svc.environment ?? {}).map(([key, value]) => [key, String(value)] as const);
  return new Map(entries);
}

/**
 * Compose's interpolation of one string against `env`: `${VAR}`, `${VAR:-default}`, `${VAR:?message}` (an error when
 * unset or empty), `${VAR:+replacement}`, their forms without the colon, and `$$` for a literal `$`.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?:(:?)([-?+])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string, op: string | undefined, word: string) => {
      if (match === '$$') return '$';
      const raw = env[name!];
      const set = colon ? raw !== undefined && raw !== '' : raw !== undefined;
      if (op === '-') return set ? raw! : word;
      if (op === '+') return set ? word : '';
      if (op === '?') {
        if (!set) throw new Error(`${name}: ${word}`);
        return raw!;
      }
      return raw ?? '';
    },
  );
}

/** Every string of the file interpolated, as `docker compose config` would print it. */
export function resolved(env: Record<string, string | undefined>): typeof compose {
  const walk = (node: unknown): unknown =>
    typeof node === 'string'
      ? interpolate(node, env)
      : Array.isArray(node)
        ? node.map(walk)
        : node && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]))
          : node;
  return walk(compose) as typeof compose;
}

/** The values an operator must give (README, "docker-compose.yml"): with these, the file resolves. */
export const requiredEnv: Record<string, string> = {
  TEMPORAL_DB_PASSWORD: 'db-password',
  PAYLOAD_KEYS: 'k1:AAAA',
  AGENCY_TOKEN: 'agency-token',
  AGENCY_CALLBACK_TOKEN: 'callback-token',
  SANDBOX_ADMIN_TOKEN: 'sandbox-admin-token',
  JWT_JWKS_URL: 'https://login.example/jwks.json',
  JWT_ISSUER: 'https://login.example',
  API_URL: 'https://api.example',
  TEMPORAL_UI_URL: 'https://temporal.example',
  TEMPORAL_UI_AUTH_PROVIDER_URL: 'https://login.example',
  TEMPORAL_UI_AUTH_CLIENT_ID: 'temporal-ui',
  TEMPORAL_UI_AUTH_CLIENT_SECRET: 'ui-client-secret',
};

/** The variables @temporalio/envconfig reads (as the Temporal CLI does), besides the config schemas. */
export const envconfigVariables = [
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_API_KEY',
  'TEMPORAL_PROFILE',
];

/** The CLI `make test` pins, and the Temporal Server and UI it runs (`temporal --version`). */
export const testedVersions: Record<string, { server: string; ui: string }> = {
  '1.9.1': { server: '1.32', ui: '2.54' },
};

export function imageTag(svc: Service): [string, string] {
  const [name = '', tag = ''] = (svc.image ?? '').split(':');
  return [name, tag];
}

/** The URL a `node -e "fetch(...)"` healthcheck asks. */
export function healthcheckUrl(svc: Service): URL | undefined {
  const url = /fetch\('([^']+)'\)/.exec(text(svc.healthcheck?.test))?.[1];
  return url ? new URL(url) : undefined;
}
