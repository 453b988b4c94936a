import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Page tokens are Temporal's, signed by the API: a token it never handed out is refused at once with a 400
 * instead of travelling to Temporal (which answers a forged one slowly, after retries).
 */
export class PageTokens {
  private readonly secret: Buffer;

  /** Without a secret, tokens are valid for this process only. */
  constructor(secret?: Buffer) {
    this.secret = secret ?? randomBytes(32);
  }

  sign(raw: Uint8Array): string {
    const body = Buffer.from(raw).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The raw token, or undefined when the token was not signed by this API. */
  verify(token: string): Uint8Array | undefined {
    const [body, mac] = token.split('.');
    if (!body || !mac) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return Buffer.from(body, 'base64url');
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
