import { z } from 'zod';

/** Fields several agencies share. */
export const caseRef = z.string().min(1).max(200);
export const applicationNumber = z.string().regex(/^[A-Z0-9-]{3,32}$/, '3-32 capital letters, digits and dashes');
export const callbackUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });
