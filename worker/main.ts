import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ConfigError, parseEnv, payloadKeysOf, runMain, WorkerEnvSchema } from '../lib/config';
import { createDataConverter } from '../lib/data-converter';
import { caseSettingsFrom } from '../lib/case-settings-config';
import { createLogger, type Logger } from '../lib/logger';
import { toTemporalLogger } from '../lib/temporal-logger';
import { temporalTarget } from '../lib/temporal/connection';
import { diagnoseTemporalConnection } from '../lib/temporal/diagnose';
import { createCaseWorkers } from './create-worker';
import { serveHealth } from './health';
import { createServer, type Server } from 'node:http';
import { createStuckReportMetrics, type StuckReportMetrics } from './stuck-report';

runMain(async () => {
  const config = parseEnv(WorkerEnvSchema);
  if (config.NODE_ENV === 'production' && !config.WORKFLOW_BUNDLE_PATH) {
    throw new ConfigError(
      'Invalid configuration: WORKFLOW_BUNDLE_PATH is missing: production workers load a prebuilt bundle (npm run bundle:workflows)',
    );
  }
  const temporal = temporalTarget(config);
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL });

  Runtime.install({
    logger: toTemporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      ...(config.WORKER_METRICS_ADDRESS
        ? { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } }
        : {}),
    },
  });

  const connection = await NativeConnection.connect(temporal.connectionOptions).catch(async (err: unknown) => {
    // A TLS setting that Temporal refuses stops the worker with the fix (exit 2); an unreachable server is retried.
    const problem = await diagnoseTemporalConnection(temporal);
    if (problem?.kind === 'misconfigured') throw new ConfigError(`Cannot connect to Temporal: ${problem.message}`);
    throw err;
  });
  try {
    const stuckReportMetrics = createStuckReportMetrics();
    const reportServer = config.WORKER_REPORT_METRICS_ADDRESS
      ? serveMetrics(stuckReportMetrics, config.WORKER_REPORT_METRICS_ADDRESS, logger)
      : undefined;
    const workers = await createCaseWorkers({
      connection,
      namespace: temporal.namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { logger, agencies: config },
      dataConverter: createDataConverter(payloadKeysOf(config)),
      caseSettings: caseSettingsFrom(config),
      stuckReportMetrics,
      ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
      shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      workflowThreads: config.WORKER_WORKFLOW_THREADS,
    });
    logger.info(
      {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        address: temporal.address,
        namespace: temporal.namespace,
        security: temporal.security,
        metrics: config.WORKER_METRICS_ADDRESS,
        health: config.WORKER_HEALTH_ADDRESS,
      },
      'worker started',
    );
    const health = config.WORKER_HEALTH_ADDRESS
      ? serveHealth(
          config.WORKER_HEALTH_ADDRESS,
          () => Object.fromEntries(workers.workers.map((w) => [w.options.taskQueue, w.getState()])),
          logger,
        )
      : undefined;
    // run() resolves after SIGINT/SIGTERM once in-flight activities finished or the grace time handed them back.
    await workers.run();
    reportServer?.close();
    await health?.close();
    logger.info('worker stopped');
  } finally {
    await connection.close();
  }
});

/** The stuck-cases gauge on its own port: the runtime's Prometheus port belongs to Temporal's Rust core. */
function serveMetrics(metrics: StuckReportMetrics, address: string, logger: Logger): Server {
  const host = address.slice(0, address.lastIndexOf(':'));
  const port = address.slice(address.lastIndexOf(':') + 1);
  const server = createServer((_req, res) => {
    void metrics.registry.metrics().then((text) => {
      res.setHeader('content-type', metrics.registry.contentType);
      res.end(text);
    });
  });
  // A taken port costs the gauge, not the worker.
  server.on('error', (err) => logger.warn({ err, address }, 'stuck-cases metrics not served'));
  server.listen(Number(port), host);
  return server;
}
