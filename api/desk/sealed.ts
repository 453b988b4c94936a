import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What a sealed value is for; bound into the seal, so a value sealed for one purpose opens for no other. */
export type SealPurpose = 'desk-session' | 'desk-oidc' | 'desk-flash';

const version = 'v1';

/**
 * Seals small JSON values for the console's cookies with AES-256-GCM: the browser carries them, cannot read them,
 * and any change to a byte makes them open to nothing. The key is derived (HKDF-SHA256) from DESK_SESSION_SECRET,
 * so every API replica with the same secret opens what any of them sealed.
 */
export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'one-stop-shop', 'desk-console-cookies', 32));
  }

  seal(purpose: SealPurpose, value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${version}:${purpose}`));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${version}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The value, or undefined for anything this key did not seal for this purpose (tampered, foreign, garbled). */
  open(purpose: SealPurpose, text: string | undefined): unknown {
    if (!text?.startsWith(`${version}.`)) return undefined;
    const bytes = Buffer.from(text.slice(version.length + 1), 'base64url');
    if (bytes.length < 12 + 16 + 2) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(`${version}:${purpose}`));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}
