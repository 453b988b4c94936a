import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { createAuthenticator } from '../../api/auth';
import { authOptionsOf, parseApiEnv, trustProxyOf } from '../../api/config';
import { deskOptionsOf } from '../../api/desk/config';
import { AesGcmCodec, parsePayloadKeys } from '../../lib/encryption';
import { createLogger, type Logger } from '../../lib/logger';
import type { Role } from '../../workflows/definitions';
import { temporal, testPayloadKeysSpec } from './temporal';

/** The secret codec link of the test app (CODEC_URL_TOKEN). */
export const testCodecUrlToken = 'test-codec-link-0123456789abcdef';

/** The development tokens of the README, one per role. */
export const tokens = {
  bookingSite: 'Bearer dev-booking-site',
  desk: 'Bearer dev-desk-officer',
  ind: 'Bearer dev-ind-officer',
  expat: 'Bearer dev-expat-advisor',
  agency: 'Bearer dev-agency',
  operator: 'Bearer dev-operator',
} as const;

/** `API_TOKENS` of the development tokens and a second booking site's (`otherSiteToken`): another booking channel. */
export const apiTokensWithOtherSite =
  'dev-booking-site=booking-site:booking-site,other-site=partner-site:booking-site,' +
  'dev-desk-officer=desk-officer-1:desk-officer,dev-ind-officer=ind-officer-1:ind-officer,' +
  'dev-expat-advisor=expat-advisor-1:expat-advisor,dev-agency=ind:agency,dev-operator=operator-1:operator';
export const otherSiteToken = 'Bearer other-site';

/** The development token of each role. */
export const tokenOf: Record<Role, string> = {
  'booking-site': tokens.bookingSite,
  'desk-officer': tokens.desk,
  'ind-officer': tokens.ind,
  'expat-advisor': tokens.expat,
  agency: tokens.agency,
  operator: tokens.operator,
};

export interface TestAppOptions {
  taskQueue: string;
  client?: Client;
  /** Default: the harness's namespace. */
  namespace?: string;
  connection?: Connection;
  actionTimeoutMs?: number;
  readinessTimeoutMs?: number;
  /** Variables of the API's environment on top of the test payload keys (NODE_ENV, API_TOKENS, JWT_…). */
  env?: NodeJS.ProcessEnv;
  /** Where the API logs; default: silent unless TEST_API_LOG names a level. */
  logger?: Logger;
}

/** The real express app on the shared Temporal server, with the default (development) configuration. */
export function testApp(options: TestAppOptions): Express {
  const config = parseApiEnv({ PAYLOAD_KEYS: testPayloadKeysSpec, ...options.env });
  return createApp({
    client: options.client ?? temporal().client,
    connection: options.connection ?? temporal().connection,
    logger: options.logger ?? createLogger({ name: 'test-api', level: process.env.TEST_API_LOG ?? 'silent' }),
    namespace: options.namespace ?? temporal().namespace,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 2000,
    taskQueue: options.taskQueue,
    // Generous unless a test sets it, or a busy machine turns a booking's 201 into a 202 (no worker in time).
    actionTimeoutMs: options.actionTimeoutMs ?? (options.env?.ACTION_TIMEOUT_MS ? config.ACTION_TIMEOUT_MS : 60_000),
    payloadKeys: parsePayloadKeys(testPayloadKeysSpec),
    codec: {
      codec: new AesGcmCodec(parsePayloadKeys(testPayloadKeysSpec)),
      corsOrigins: ['http://localhost:8233'],
      urlToken: testCodecUrlToken,
    },
    authenticate: createAuthenticator(authOptionsOf(config)),
    desk: deskOptionsOf(config),
    trustProxy: trustProxyOf(config),
  });
}

/**
 * The same app against a Temporal address where nothing listens: for tests of what the API does before it calls
 * Temporal (auth, validation, documentation, metrics, codec). A call that does reach Temporal answers 503 quickly.
 */
export function offlineTestApp(env?: NodeJS.ProcessEnv, logger?: Logger): Express {
  // No gRPC retry interceptor: a refused connection fails the call at once instead of after back-off.
  const connection = Connection.lazy({ address: '127.0.0.1:9', interceptors: [] });
  return testApp({
    taskQueue: 'offline',
    namespace: 'default',
    client: new Client({ connection }),
    connection,
    actionTimeoutMs: 200,
    readinessTimeoutMs: 200,
    env,
    logger,
  });
}
