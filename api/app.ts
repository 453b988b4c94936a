import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../lib/logger';
import { errorHandler, HttpProblem, notFoundHandler } from './problem';

export interface AppDeps {
  client: Client;
  connection: Connection;
  logger: Logger;
  namespace: string;
  /** How long /readyz waits for Temporal, in milliseconds. */
  readinessTimeoutMs: number;
}

const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/** Builds the express app without listening, so tests drive it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );

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

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
