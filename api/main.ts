import { createHash } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { payloadKeysOf, runMain } from '../lib/config';
import { AesGcmCodec } from '../lib/encryption';
import { createLogger } from '../lib/logger';
import { createCaseClient } from '../lib/temporal/client';
import { temporalTarget } from '../lib/temporal/connection';
import { diagnoseTemporalConnection } from '../lib/temporal/diagnose';
import { createApp } from './app';
import { createAuthenticator } from './auth';
import { authOptionsOf, parseApiEnv, trustProxyOf } from './config';
import { deskOptionsOf } from './desk/config';

runMain(() => {
  const config = parseApiEnv();
  const logger = createLogger({ name: 'api', level: config.LOG_LEVEL });
  const temporal = temporalTarget(config);
  // Lazy: the API comes up (and answers /healthz) before Temporal does; /readyz tells when it is reachable.
  const connection = Connection.lazy(temporal.connectionOptions);
  const client = createCaseClient(connection, { ...config, TEMPORAL_NAMESPACE: temporal.namespace });
  const payloadKeys = payloadKeysOf(config);
  const desk = deskOptionsOf(config);
  const app = createApp({
    client,
    connection,
    logger,
    namespace: temporal.namespace,
    readinessTimeoutMs: config.READINESS_TIMEOUT_MS,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    actionTimeoutMs: config.ACTION_TIMEOUT_MS,
    payloadKeys,
    pageTokenSecret: createHash('sha256').update(`page-tokens:${config.PAYLOAD_KEYS}`).digest(),
    codec: {
      codec: new AesGcmCodec(payloadKeys),
      corsOrigins: config.CODEC_CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      urlToken: config.CODEC_URL_TOKEN,
    },
    authenticate: createAuthenticator(authOptionsOf(config)),
    desk,
    trustProxy: trustProxyOf(config),
  });
  // The provider may be down for a while without the API being wrong: logged, not fatal, and asked again at sign-in.
  void desk.oidc?.check().then((problem) => {
    if (problem) logger.error(`Desk console sign-in: ${problem}`);
  });

  // The connection is lazy, so a refused TLS setting would show only as 503s on /readyz: say why once, at start.
  void diagnoseTemporalConnection(temporal).then((problem) => {
    if (problem?.kind === 'misconfigured')
      logger.error({ temporal: temporal.address }, `Temporal refuses this API: ${problem.message}`);
  });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info(
      { host: config.API_HOST, port: config.API_PORT, temporal: temporal.address, security: temporal.security },
      'api listening',
    );
  });
  const stop = (): void => {
    logger.info('api stopping');
    server.close(() => {
      void connection.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return Promise.resolve();
});
