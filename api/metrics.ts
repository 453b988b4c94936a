import type { Application, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The `route` label of a request no route answered (an unknown URL): never the URL itself. */
export const unmatchedRoute = 'unmatched';

let processMetrics: Registry | undefined;
// One process has one set of process metrics; every app in it (tests build many) exposes the same ones.
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

export interface HttpMetrics {
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

  let patterns: Map<object, string> | undefined;
  const routeOf = (app: Application, route: unknown): string => {
    if (!isRoute(route)) return unmatchedRoute;
    patterns ??= routePatterns(app.router.stack as unknown as Layer[]);
    return patterns.get(route) ?? route.path;
  };

  return {
    record: (req, res, next) => {
      const stop = duration.startTimer();
      res.on('finish', () => {
        const labels = { method: req.method, route: routeOf(req.app, req.route), status: String(res.statusCode) };
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
/** What the express 5 router (`router` 2.3) keeps per `use`/`get`/...: its pattern, and a route or a router. */
interface Layer {
  rawPath?: unknown;
  route?: Route;
  handle: { stack?: unknown };
}

const isRoute = (value: unknown): value is Route =>
  typeof value === 'object' && value !== null && typeof (value as Partial<Route>).path === 'string';

/**
 * The full pattern of every route, nested routers included, keyed by the route object that `req.route` holds
 * when it answered. `req.baseUrl` cannot be used instead: it is the matched URL, and is reset when an error
 * leaves the nested router.
 */
function routePatterns(stack: Layer[], prefix = ''): Map<object, string> {
  const patterns = new Map<object, string>();
  for (const layer of stack) {
    const path = joinPath(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : String(layer.rawPath));
    if (layer.route) patterns.set(layer.route, path);
    else if (Array.isArray(layer.handle.stack)) {
      for (const [route, pattern] of routePatterns(layer.handle.stack as Layer[], path)) patterns.set(route, pattern);
    }
  }
  return patterns;
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
