import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, parseEnv, TemporalEnvSchema } from '../../lib/config';
import { temporalTarget } from '../../lib/temporal/connection';

const root = path.resolve(__dirname, '..', '..', '..');

/** What a process would make of this environment (and nothing else: no HOME, so no personal config file). */
function target(env: Record<string, string>) {
  return temporalTarget(parseEnv(TemporalEnvSchema, env), env);
}

function refused(env: Record<string, string>, message: RegExp): void {
  assert.throws(
    () => target(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('Temporal connection: configured as Temporal’s own tools are', () => {
  let dir: string;
  let certs: Record<string, string>;
  before(function () {
    this.timeout(20_000);
    dir = mkdtempSync(path.join(tmpdir(), 'temporal-connection-'));
    execFileSync(path.join(root, 'scripts', 'cluster', 'certs.sh'), [path.join(dir, 'certs')], { stdio: 'ignore' });
    const file = (name: string): string => path.join(dir, 'certs', name);
    certs = {
      ca: file('ca.pem'),
      cert: file('client.pem'),
      key: file('client.key'),
      rogueKey: file('rogue-client.key'),
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const mtls = (): Record<string, string> => ({
    TEMPORAL_ADDRESS: 'temporal.internal:7233',
    TEMPORAL_TLS_CLIENT_CERT_PATH: certs.cert!,
    TEMPORAL_TLS_CLIENT_KEY_PATH: certs.key!,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca!,
  });

  it('with nothing set, is the local dev server in plaintext', () => {
    const t = target({});
    assert.deepEqual(t.connectionOptions, { address: 'localhost:7233', tls: false });
    assert.equal(t.namespace, 'default');
    assert.equal(t.security, 'plaintext');
  });

  it('an API key turns TLS on and travels as the key, as for Temporal Cloud', () => {
    const t = target({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'k',
    });
    assert.deepEqual(t.connectionOptions, { address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k' });
    assert.equal(t.namespace, 'ns.acct');
    assert.equal(t.security, 'TLS + API key');
  });

  it('an empty API key is none, not an empty key', () => {
    assert.equal(target({ TEMPORAL_API_KEY: '', TEMPORAL_TLS: '' }).security, 'plaintext');
  });

  it('mTLS: reads the client pair and the CA at start-up', () => {
    const t = target(mtls());
    assert.equal(t.security, 'mTLS');
    const tls = t.connectionOptions.tls;
    assert.ok(tls);
    assert.deepEqual(tls.clientCertPair?.crt, readFileSync(certs.cert!));
    assert.deepEqual(tls.serverRootCACertificate, readFileSync(certs.ca!));
  });

  it('refuses a certificate file that is not there, naming the variable', () => {
    refused(
      { ...mtls(), TEMPORAL_TLS_CLIENT_CERT_PATH: '/nowhere/client.pem' },
      /TEMPORAL_TLS_CLIENT_CERT_PATH="\/nowhere\/client.pem": no such file/,
    );
    refused(
      { ...mtls(), TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nowhere/ca.pem' },
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH=.*no such file/,
    );
  });

  it('refuses a key without its certificate, and a certificate without its key', () => {
    const keyOnly = { ...mtls(), TEMPORAL_TLS_CLIENT_CERT_PATH: '' };
    refused(keyOnly, /TEMPORAL_TLS_CLIENT_KEY_PATH is set but TEMPORAL_TLS_CLIENT_CERT_PATH is not.*set both/);
    const certOnly = { ...mtls(), TEMPORAL_TLS_CLIENT_KEY_PATH: '' };
    refused(certOnly, /TEMPORAL_TLS_CLIENT_CERT_PATH is set but TEMPORAL_TLS_CLIENT_KEY_PATH is not/);
  });

  it('refuses a key that belongs to another certificate, and a file that is not PEM', () => {
    refused({ ...mtls(), TEMPORAL_TLS_CLIENT_KEY_PATH: certs.rogueKey! }, /key does not belong to the certificate/);
    refused(
      { ...mtls(), TEMPORAL_TLS_CLIENT_CERT_PATH: certs.key! },
      /TEMPORAL_TLS_CLIENT_CERT_PATH: not a PEM certificate/,
    );
  });

  it('refuses to send an API key in plaintext, and certificates with TLS off', () => {
    refused({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }, /API key travels over TLS only/);
    refused({ ...mtls(), TEMPORAL_TLS: 'false' }, /TEMPORAL_TLS=false, but certificates/);
    refused({ TEMPORAL_TLS: 'yes' }, /TEMPORAL_TLS="yes": expected true or false/);
  });

  describe('config profiles (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE)', () => {
    let file: string;
    before(() => {
      file = path.join(dir, 'temporal.toml');
      writeFileSync(
        file,
        [
          '[profile.default]',
          'address = "localhost:7233"',
          '[profile.cluster]',
          'address = "127.0.0.1:17233"',
          'namespace = "one-stop-shop"',
          '[profile.cluster.tls]',
          `client_cert_path = "${certs.cert}"`,
          `client_key_path = "${certs.key}"`,
          `server_ca_cert_path = "${certs.ca}"`,
          '[profile.half]',
          '[profile.half.tls]',
          `client_key_path = "${certs.key}"`,
        ].join('\n'),
      );
    });

    it('takes address, namespace and mTLS from the chosen profile', () => {
      const t = target({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cluster' });
      assert.equal(t.address, '127.0.0.1:17233');
      assert.equal(t.namespace, 'one-stop-shop');
      assert.equal(t.security, 'mTLS');
    });

    it('lets a variable override the profile', () => {
      const t = target({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cluster', TEMPORAL_NAMESPACE: 'other' });
      assert.equal(t.namespace, 'other');
      assert.equal(t.address, '127.0.0.1:17233');
    });

    it('reads ~/.config/temporalio/temporal.toml when no file is named', () => {
      const home = path.join(dir, 'home');
      mkdirSync(path.join(home, '.config', 'temporalio'), { recursive: true });
      writeFileSync(
        path.join(home, '.config', 'temporalio', 'temporal.toml'),
        '[profile.default]\nnamespace = "mine"\n',
      );
      assert.equal(target({ HOME: home }).namespace, 'mine');
    });

    it('names the fix for a missing file, a missing profile, an unknown key and a half pair', () => {
      refused({ TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') }, /TEMPORAL_CONFIG_FILE=.*no such file/);
      refused({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }, /TEMPORAL_PROFILE="prod": no \[profile.prod\]/);
      const typo = path.join(dir, 'typo.toml');
      writeFileSync(typo, '[profile.default]\nadress = "x:1"\n');
      refused({ TEMPORAL_CONFIG_FILE: typo }, /typo.toml: .*unrecognized.*adress/);
      refused(
        { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'half' },
        /client_key_path of profile "half" is set but client_cert_path of profile "half" is not/,
      );
    });

    it('takes a file without profiles as no settings', () => {
      const empty = path.join(dir, 'empty.toml');
      writeFileSync(empty, '# nothing yet\n');
      assert.equal(target({ TEMPORAL_CONFIG_FILE: empty }).address, 'localhost:7233');
    });
  });
});
