import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runMain } from '../lib/config';
import { benchConfig } from './config';
import { runLatencyBench } from './latency';
import { runSoak } from './soak';

/**
 * `npm run bench`: officer actions against the bare update (`latency.ts`, the default), or with `--soak`
 * (`BENCH_MODE=soak`) thousands of bookings while the worker's memory and the database are watched (`soak.ts`).
 * Both start their own embedded Temporal server, agency sandbox and API; nothing outside the run is touched.
 */
runMain(async () => {
  const config = benchConfig();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  if (config.BENCH_MODE === 'soak') await runSoak(config);
  else await runLatencyBench(config);
});
