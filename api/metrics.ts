import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The `route` label of a request no route answered (an unknown URL): never the URL itself. */
const unmatchedRoute = 'unmatched';

let processMetrics: Registry | undefined;
// One process has one set of process metrics; every app in it (tests build many) exposes the same ones.
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

interface HttpMetrics {
  /** Counts and times every response, once it is sent; mount it first. */
  record: RequestHandler;
  /** `GET /metrics`: the Prometheus text format. */
  expose: RequestHandler;
}

/**
 * `http_requests_total` and `http_request_duration_seconds` by method, route and status, in a registry of this
 * app (not prom-client's global one). `route` is the express route pattern (`/v1/cases/:caseId`): a raw URL would
 * put case ids and booking references into the metrics, and every unknown URL would be a new series.
 */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  const registers = [registry];
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered.', labelNames, registers });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending the last byte of its response, in seconds.',
    labelNames,
    registers,
  });
  const exposed = Registry.merge([processRegistry(), registry]);

  return {
    record: (req, res, next) => {
      const stop = duration.startTimer();
      const route = watchRoute(req);
      res.on('finish', () => {
        const labels = { method: req.method, route: route(), status: String(res.statusCode) };
        requests.inc(labels);
        stop(labels);
      });
      next();
    },
    expose: async (_req, res) => {
      res.type(exposed.contentType).send(await exposed.metrics());
    },
  };
}

interface Route {
  path: string;
}

const isRoute = (value: unknown): value is Route =>
  typeof value === 'object' && value !== null && typeof (value as Partial<Route>).path === 'string';

/**
 * The full pattern of the route that answers the request (`unmatched` until one does). Express sets `req.route`
 * inside the router that matched, while `req.baseUrl` is that router's mount path; both are read at that moment,
 * because an error that leaves a nested router resets `req.baseUrl` before the error handler answers. The mount
 * paths of this app are fixed strings, so `req.baseUrl` holds no case ids.
 */
function watchRoute(req: Request): () => string {
  let route: unknown;
  let pattern = unmatchedRoute;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: unknown) => {
      route = value;
      if (isRoute(value)) pattern = joinPath(req.baseUrl, value.path);
    },
  });
  return () => pattern;
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
