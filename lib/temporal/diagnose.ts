import net from 'node:net';
import tls from 'node:tls';
import type { TemporalTarget } from './connection';

/**
 * `misconfigured`: a setting of this process must change, and no restart cures it; `unreachable`: nothing listens
 * (yet), which a retry may cure.
 */
export interface ConnectionProblem {
  kind: 'misconfigured' | 'unreachable';
  message: string;
}

/**
 * Why Temporal refuses this process's connection, in words that name the setting to change; undefined when the
 * TLS handshake works (or the cause is not a setting of ours). The SDK's own errors say only "Failed to connect
 * before the deadline" (client) or a tonic transport error (worker), so this repeats the handshake with Node's TLS,
 * which reports the reason.
 */
export async function diagnoseTemporalConnection(
  target: TemporalTarget,
  timeoutMs = 3000,
): Promise<ConnectionProblem | undefined> {
  const { host, port } = hostAndPort(target.address);
  const options = target.connectionOptions;
  if (!options.tls) {
    const result = await handshake({ host, port, rejectUnauthorized: false }, timeoutMs);
    // A server that asks for a client certificate answers this handshake with an alert: it speaks TLS all the same.
    if (result === 'ok' || /ALERT/.test(result)) {
      return misconfigured(
        `${target.address} speaks TLS, and this process connects in plaintext: set TEMPORAL_TLS=true, with TEMPORAL_TLS_SERVER_CA_CERT_PATH (and a client certificate for mTLS)`,
      );
    }
    return result === 'ECONNREFUSED' ? refused(target) : undefined;
  }
  const pair = options.tls.clientCertPair;
  const result = await handshake(
    {
      host,
      port,
      servername: options.tls.serverNameOverride ?? (net.isIP(host) ? undefined : host),
      ...(options.tls.serverRootCACertificate ? { ca: Buffer.from(options.tls.serverRootCACertificate) } : {}),
      ...(pair ? { cert: Buffer.from(pair.crt), key: Buffer.from(pair.key) } : {}),
      ALPNProtocols: ['h2'],
    },
    timeoutMs,
  );
  switch (result) {
    case 'ok':
      return undefined;
    case 'ECONNREFUSED':
      return refused(target);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return misconfigured(
        `the certificate of ${target.address} is not signed by a CA this process trusts: point TEMPORAL_TLS_SERVER_CA_CERT_PATH at the CA that signed the server's certificate`,
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return misconfigured(
        `the certificate of ${target.address} is not issued for that name: set TEMPORAL_TLS_SERVER_NAME to a name it carries (openssl x509 -noout -ext subjectAltName)`,
      );
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
    case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE':
      return misconfigured(
        pair
          ? `${target.address} refused the client certificate: use one issued by the CA the server trusts`
          : `${target.address} requires a client certificate (mTLS): set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`,
      );
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
      return misconfigured(
        `${target.address} refused the client certificate of TEMPORAL_TLS_CLIENT_CERT_PATH: it is not issued by a CA the server trusts; use one the cluster's CA signed`,
      );
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ECONNRESET':
      return misconfigured(
        `${target.address} does not speak TLS: unset the TEMPORAL_TLS_* settings, or check TEMPORAL_ADDRESS`,
      );
    default:
      return undefined;
  }
}

function refused(target: TemporalTarget): ConnectionProblem {
  return {
    kind: 'unreachable',
    message: `nothing listens at ${target.address}: check TEMPORAL_ADDRESS (or the profile's address) and that Temporal runs`,
  };
}

function misconfigured(message: string): ConnectionProblem {
  return { kind: 'misconfigured', message };
}

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

/**
 * 'ok', or the error code of the handshake. A refused client certificate shows only after the handshake (TLS 1.3
 * sends the alert once the server has read it), so a handshake counts as 'ok' only when the connection survives a
 * moment after it.
 */
function handshake(options: tls.ConnectionOptions, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect(options);
    const done = (result: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.once('secureConnect', () => {
      setTimeout(() => done('ok'), 300);
    });
    socket.once('close', () => done('ECONNRESET'));
  });
}
