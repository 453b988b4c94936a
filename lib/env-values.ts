import { z } from 'zod';

/**
 * A number from the environment. Empty is an error, not 0 (what `Number('')` makes of it): `API_PORT=` must not
 * mean "any free port".
 */
export function envNumber<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

/** An optional variable whose absence means "none": set empty, it means the same. */
export function emptyIsNone<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

export const port = envNumber(
  z.coerce
    .number({ error: 'expected a port number' })
    .int('expected a port number')
    .min(0, 'expected a port number')
    .max(65535, 'expected a port number'),
);
export const milliseconds = (min: 0 | 1) =>
  envNumber(
    z.coerce
      .number({ error: 'expected milliseconds' })
      .int('expected whole milliseconds')
      .min(min, `expected ${min} or more milliseconds`),
  );

/** A listen host: an interface address or name. Loopback by default; containers set 0.0.0.0. */
export const listenHost = z.string().min(1, 'expected a host such as 127.0.0.1 or 0.0.0.0').default('127.0.0.1');
