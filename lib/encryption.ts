import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

/** AES-256 keys by id; `currentKeyId` encrypts, every key decrypts, so rotation keeps old payloads readable. */
export interface PayloadKeys {
  keys: ReadonlyMap<string, Buffer>;
  currentKeyId: string;
}

/**
 * Parses `id:base64key,id:base64key` (each key 32 bytes). The current key is `currentKeyId`, or the last one
 * listed: rotate by appending a new key, keep the old ones as long as any case or history may hold them.
 */
export function parsePayloadKeys(spec: string, currentKeyId?: string): PayloadKeys {
  const keys = new Map<string, Buffer>();
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const [id, encoded, ...rest] = entry.split(':');
    // Node decodes base64 up to the first character that is not, so a key glued to the next must be refused here.
    const base64 = encoded !== undefined && rest.length === 0 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded);
    const key = Buffer.from(base64 ? encoded : '', 'base64');
    const validId = encoded !== undefined && id !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(id);
    if (!validId || key.length !== 32) {
      // Named by its place and id, never by its text: an entry without a colon may be a bare key.
      throw new Error(`entry ${index + 1}${validId ? ` ("${id}:…")` : ''} is not keyId:base64 of 32 bytes`);
    }
    keys.set(id, key);
  }
  const current = currentKeyId ?? [...keys.keys()].at(-1);
  if (!current) throw new Error('no key given');
  if (!keys.has(current)) throw new Error(`the current key ${current} is not among the keys`);
  return { keys, currentKeyId: current };
}

export function generatePayloadKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * Encrypts every payload with AES-256-GCM before it leaves the process, so Temporal's database, its UI and its
 * logs hold no personal data in clear text. Payloads written before encryption pass through unchanged.
 */
/**
 * The key id of the newest encrypted payload anywhere in `events` (newest last), or undefined: the key the case's
 * deployment writes with now, which its workers hold.
 */
export function newestPayloadKeyId(events: readonly object[]): string | undefined {
  const find = (value: unknown, depth: number): string | undefined => {
    if (depth > 12 || value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return undefined;
    const metadata = (value as { metadata?: Record<string, unknown> }).metadata;
    const id = metadata?.[KEY_ID];
    if (id instanceof Uint8Array) return Buffer.from(id).toString();
    for (const child of Object.values(value)) {
      const found = find(child, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const found = find(events[i], 0);
    if (found) return found;
  }
  return undefined;
}

/** A payload these keys cannot read: its key is missing, or another key holds its id. */
export class PayloadKeyError extends Error {
  override readonly name = 'PayloadKeyError';
}

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly payloadKeys: PayloadKeys) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    const { keys, currentKeyId } = this.payloadKeys;
    const key = keys.get(currentKeyId)!;
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: { encoding: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(currentKeyId) },
          data,
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
        const keyId = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
        const key = this.payloadKeys.keys.get(keyId);
        if (!key) throw new PayloadKeyError(`payload encrypted with unknown key ${keyId}: add it to PAYLOAD_KEYS`);
        const data = Buffer.from(payload.data ?? []);
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        let plain: Buffer;
        try {
          plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
        } catch {
          throw new PayloadKeyError(
            `payload encrypted with key ${keyId} does not decrypt with the ${keyId} of PAYLOAD_KEYS: a different key ` +
              'under the same id, or a damaged payload',
          );
        }
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}
