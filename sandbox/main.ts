import { randomInt } from 'node:crypto';
import { parseEnv, runMain } from '../lib/config';
import { createLogger } from '../lib/logger';
import { createSandbox } from './app';
import { SandboxEnvSchema } from './config';

runMain(() => {
  const config = parseEnv(SandboxEnvSchema);
  const logger = createLogger({ name: 'sandbox', level: config.LOG_LEVEL });
  const seed = config.SANDBOX_SEED ?? randomInt(2 ** 31);
  const sandbox = createSandbox({
    token: config.SANDBOX_TOKEN,
    callbackUrl: config.SANDBOX_CALLBACK_URL,
    callbackToken: config.SANDBOX_CALLBACK_TOKEN,
    decisionDelayMs: config.SANDBOX_DECISION_DELAY_MS,
    cardReadyDelayMs: config.SANDBOX_CARD_READY_DELAY_MS,
    unrecognisedSponsors: config.SANDBOX_UNRECOGNISED_SPONSORS,
    rejectedPostcodes: config.SANDBOX_REJECTED_POSTCODES,
    seed,
    logger,
    stateFile: config.SANDBOX_STATE_FILE,
    adminToken: config.SANDBOX_ADMIN_TOKEN,
  });

  const server = sandbox.app.listen(config.SANDBOX_PORT, config.SANDBOX_HOST, () => {
    // The seed is logged so a run with surprising faults can be repeated with SANDBOX_SEED.
    logger.info(
      {
        host: config.SANDBOX_HOST,
        port: config.SANDBOX_PORT,
        seed,
        stateFile: config.SANDBOX_STATE_FILE,
        admin: config.SANDBOX_ADMIN_TOKEN ? 'bearer token' : 'loopback only',
      },
      'agency sandbox listening',
    );
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'agency sandbox cannot listen');
    process.exit(1);
  });
  const stop = (): void => {
    logger.info('agency sandbox stopping');
    sandbox.close();
    server.close(() => {
      sandbox.flushed().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'agency sandbox stopped without saving its last changes');
          process.exit(1);
        },
      );
    });
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return Promise.resolve();
});
