import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { ConfigError, parseEnv, payloadKeysOf, runMain, WorkerEnvSchema } from '../lib/config';
import { createDataConverter } from '../lib/data-converter';
import { caseSettingsFrom } from '../lib/case-settings-config';
import { createLogger } from '../lib/logger';
import { toTemporalLogger } from '../lib/temporal-logger';
import { createCaseWorkers } from './create-worker';

runMain(async () => {
  const config = parseEnv(WorkerEnvSchema);
  if (config.NODE_ENV === 'production' && !config.WORKFLOW_BUNDLE_PATH) {
    throw new ConfigError(
      'Invalid configuration: WORKFLOW_BUNDLE_PATH is missing: production workers load a prebuilt bundle (npm run bundle:workflows)',
    );
  }
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

  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const workers = await createCaseWorkers({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps: { logger, agencies: config },
      dataConverter: createDataConverter(payloadKeysOf(config)),
      caseSettings: caseSettingsFrom(config),
      ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
      shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
    });
    logger.info(
      {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        address: config.TEMPORAL_ADDRESS,
        metrics: config.WORKER_METRICS_ADDRESS,
      },
      'worker started',
    );
    // run() resolves after SIGINT/SIGTERM once in-flight activities finished or the grace time handed them back.
    await workers.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
  }
});
