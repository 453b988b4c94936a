import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { State } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

/** The state of each worker of the process, by task queue. */
export type WorkerStates = () => Record<string, State>;

/**
 * `GET /healthz` of the worker process, for a container's healthcheck: 200 while every worker of the process runs,
 * 503 while one starts, stops or has failed (it polls nothing then). A worker that cannot reach Temporal still
 * runs, and retries by itself: restarting it would not help, so that is healthy.
 */
export function healthHandler(states: WorkerStates) {
  return (method: string | undefined, url: string | undefined): { status: number; body: unknown } => {
    if (url?.split('?')[0] !== '/healthz') return { status: 404, body: { status: 404, title: 'Not Found' } };
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, body: { status: 405, title: 'Method Not Allowed' } };
    }
    const workers = states();
    const running = Object.values(workers).length > 0 && Object.values(workers).every((s) => s === 'RUNNING');
    return { status: running ? 200 : 503, body: { status: running ? 'ok' : 'unavailable', workers } };
  };
}

export interface HealthServer {
  /** The address it listens on, once listening (port 0 becomes the port it got). */
  listening: Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Serves `healthHandler` on `address` (host:port). A taken port costs the endpoint, not the worker: it is logged. */
export function serveHealth(address: string, states: WorkerStates, logger: Logger): HealthServer {
  const host = address.slice(0, address.lastIndexOf(':'));
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  const answer = healthHandler(states);
  const server: Server = createServer((req, res) => {
    const { status, body } = answer(req.method, req.url);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
  });
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    server.once('listening', () => resolve(server.address() as AddressInfo));
    server.once('error', (err) => {
      logger.error({ err, address }, 'worker health endpoint not served');
      reject(err);
    });
  });
  listening.catch(() => undefined);
  server.listen(port, host);
  return {
    listening,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
