import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection, type TLSConfig } from '@temporalio/client';
import { parseEnv, TemporalEnvSchema } from '../../lib/config';
import { temporalTarget } from '../../lib/temporal/connection';
import { diagnoseTemporalConnection } from '../../lib/temporal/diagnose';
import { externalTemporal, temporal, testPayloadKeysSpec } from '../harness/temporal';

const root = path.resolve(__dirname, '..', '..', '..');
const certs = path.join(root, '.data', 'cluster', 'certs');
const pem = (name: string): Buffer => readFileSync(path.join(certs, name));

/** The settings of a process that brings only what `extra` gives it (no profile): to break one thing at a time. */
function tlsEnv(extra: Record<string, string>): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: temporal().address,
    TEMPORAL_NAMESPACE: temporal().namespace,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...extra,
  };
}
const good = {
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(certs, 'ca.pem'),
  TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(certs, 'client.pem'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(certs, 'client.key'),
};

/** Whether Temporal answers a client with these TLS settings (false: plaintext). */
async function answers(tls: TLSConfig | false): Promise<boolean> {
  const connection = await Connection.connect({ address: temporal().address, tls, connectTimeout: 3000 }).catch(
    () => undefined,
  );
  if (!connection) return false;
  try {
    await connection.withDeadline(Date.now() + 3000, () =>
      connection.workflowService.describeNamespace({ namespace: temporal().namespace }),
    );
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

function run(entry: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(root, 'dist', entry), ...args],
      {
        env: { PATH: process.env.PATH ?? '', PAYLOAD_KEYS: testPayloadKeysSpec, LOG_LEVEL: 'error', ...env },
        timeout: 60_000,
      },
      (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

describe('the cluster refuses whoever has no certificate of its CA', () => {
  before(() => assert.ok(externalTemporal, 'test/cluster/ runs against make cluster only: use make test-cluster'));
  const server = { serverRootCACertificate: pem('ca.pem'), serverNameOverride: 'localhost' };

  it('answers a client with the cluster CA’s certificate', async () => {
    assert.equal(
      await answers({ ...server, clientCertPair: { crt: pem('client.pem'), key: pem('client.key') } }),
      true,
    );
  });

  it('refuses a client without a certificate, one of another CA, and plaintext', async () => {
    assert.equal(await answers(server), false, 'no client certificate');
    const rogue = { crt: pem('rogue-client.pem'), key: pem('rogue-client.key') };
    assert.equal(await answers({ ...server, clientCertPair: rogue }), false, 'a certificate of another CA');
    assert.equal(await answers(false), false, 'plaintext');
  });

  it('says why, naming the setting to change', async () => {
    const why = async (env: Record<string, string>) =>
      (await diagnoseTemporalConnection(temporalTarget(parseEnv(TemporalEnvSchema, env), env)))?.message;
    assert.equal(await why(tlsEnv(good)), undefined);
    assert.match(
      (await why(tlsEnv({ ...good, TEMPORAL_TLS_CLIENT_CERT_PATH: '', TEMPORAL_TLS_CLIENT_KEY_PATH: '' })))!,
      /requires a client certificate \(mTLS\): set TEMPORAL_TLS_CLIENT_CERT_PATH/,
    );
    assert.match(
      (await why(
        tlsEnv({
          ...good,
          TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(certs, 'rogue-client.pem'),
          TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(certs, 'rogue-client.key'),
        }),
      ))!,
      /refused the client certificate/,
    );
    assert.match((await why({ TEMPORAL_ADDRESS: temporal().address }))!, /speaks TLS.*set TEMPORAL_TLS=true/);
    assert.match(
      (await why(tlsEnv({ ...good, TEMPORAL_TLS_SERVER_NAME: 'temporal.elsewhere' })))!,
      /TEMPORAL_TLS_SERVER_NAME/,
    );
  });

  it('a worker that trusts the wrong CA stops at once with exit code 2 and the fix', async () => {
    const { code, stderr } = await run('worker/main.js', [], {
      ...tlsEnv({ ...good, TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(certs, 'rogue-ca.pem') }),
      WORKER_METRICS_ADDRESS: '',
      WORKER_REPORT_METRICS_ADDRESS: '',
    });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /not signed by a CA this process trusts: point TEMPORAL_TLS_SERVER_CA_CERT_PATH at the CA/);
  });

  it('a worker with a key but no certificate does not start', async () => {
    const { code, stderr } = await run('worker/main.js', [], tlsEnv({ ...good, TEMPORAL_TLS_CLIENT_CERT_PATH: '' }));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /TEMPORAL_TLS_CLIENT_KEY_PATH is set but TEMPORAL_TLS_CLIENT_CERT_PATH is not/);
  });

  it('npm run cases without a client certificate is refused, and says which setting is missing', async () => {
    const { code, stderr } = await run(
      'operator/cases.js',
      ['stuck'],
      tlsEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: good.TEMPORAL_TLS_SERVER_CA_CERT_PATH }),
    );
    assert.equal(code, 1, stderr);
    assert.match(stderr, /cannot reach Temporal at .* \(TLS\): .*requires a client certificate/);
  });
});
