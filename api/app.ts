import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { PayloadKeys } from '../lib/encryption';
import type { Logger } from '../lib/logger';
import type { Authenticate } from './auth';
import { CaseService } from './case-service';
import { PageTokens } from './page-token';
import { accessLogSerializers, securityHeaders, versionAndCaching } from './http-hygiene';
import { createHttpMetrics } from './metrics';
import { errorHandler, HttpProblem, notFoundHandler } from './problem';
import { actionsRouter } from './routes/actions';
import { callbacksRouter } from './routes/callbacks';
import { casesRouter } from './routes/cases';
import { codecRouter, type CodecRouterDeps } from './routes/codec';
import { docsRouter } from './routes/docs';
import { householdsRouter } from './routes/households';
import { deskRouter, type DeskOptions } from './desk/router';

export interface AppDeps {
  client: Client;
  connection: Connection;
  logger: Logger;
  namespace: string;
  /** How long /readyz waits for Temporal, in milliseconds. */
  readinessTimeoutMs: number;
  /** Task queue of the case workflows. */
  taskQueue: string;
  /** How long an action or a case query may wait for a worker before a 503. */
  actionTimeoutMs: number;
  authenticate: Authenticate;
  /** Signs work-list page tokens; the same for every API replica (derived from the payload key). */
  pageTokenSecret?: Buffer;
  /** The payload keys, of which the fingerprints of bookings are derived; omitted: bookings compared in full. */
  payloadKeys?: PayloadKeys;
  /** The codec server for the Temporal UI and CLI; omitted: no /codec routes. */
  codec?: Omit<CodecRouterDeps, 'authenticate'>;
  /** The officers' console at /desk; omitted: no console. */
  desk?: DeskOptions;
  /** Express's `trust proxy` (API_TRUST_PROXY): whose X-Forwarded-Proto makes a request https; default none. */
  trustProxy?: number | string | false;
}

/** Request bodies are small JSON documents; anything larger is refused with 413. */
const bodyLimit = '64kb';

const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/** Builds the express app without listening, so tests drive it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // The console's cookies are Secure and __Host- only when the request is https, which behind a proxy only its
  // X-Forwarded-Proto can tell.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(versionAndCaching, securityHeaders);
  const metrics = createHttpMetrics();
  app.use(metrics.record);
  app.use(
    pinoHttp({
      logger: deps.logger,
      serializers: accessLogSerializers,
      wrapSerializers: false,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );

  const cases = new CaseService({
    client: deps.client,
    connection: deps.connection,
    taskQueue: deps.taskQueue,
    actionTimeoutMs: deps.actionTimeoutMs,
    payloadKeys: deps.payloadKeys,
  });
  // Before the JSON-only body rule: the console's forms post as HTML forms do.
  if (deps.desk) {
    app.use('/desk', deskRouter({ ...deps.desk, cases, authenticate: deps.authenticate, logger: deps.logger }));
  }

  app.use((req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      throw new HttpProblem(415, 'Unsupported Media Type', 'Send the body as application/json.');
    }
    next();
  });
  app.use(express.json({ limit: bodyLimit, strict: true }));

  app.use(
    '/v1/cases',
    casesRouter({
      cases,
      authenticate: deps.authenticate,
      pageTokens: new PageTokens(deps.pageTokenSecret),
    }),
  );
  app.use('/v1/cases', actionsRouter({ cases, authenticate: deps.authenticate }));
  app.use('/v1/households', householdsRouter({ cases, authenticate: deps.authenticate }));
  if (deps.codec) app.use('/codec', codecRouter({ ...deps.codec, authenticate: deps.authenticate }));
  app.use('/v1/agency-callbacks', callbacksRouter({ cases, authenticate: deps.authenticate }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    try {
      await deps.connection.withDeadline(Date.now() + deps.readinessTimeoutMs, () =>
        deps.connection.workflowService.describeNamespace({ namespace: deps.namespace }),
      );
      res.json({ status: 'ready', temporal: 'up' });
    } catch {
      throw new HttpProblem(503, 'Service Unavailable', 'Temporal does not answer yet; retry shortly.', {
        temporal: 'down',
      });
    }
  });

  app.get('/metrics', metrics.expose);
  app.use(docsRouter());

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
