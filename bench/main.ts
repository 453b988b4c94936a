import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runMain } from '../lib/config';
import { benchConfig } from './config';
import { runLatencyBench } from './latency';

/**
 * `npm run bench`: officer actions against the bare update (`latency.ts`, the default). Both start their own
 * embedded Temporal server, agency sandbox and API; nothing outside the run is touched.
 */
runMain(async () => {
  const config = benchConfig();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  await runLatencyBench(config);
});
