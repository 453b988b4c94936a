import type { z } from 'zod';
import { HttpProblem } from './problem';

/** Parses input with a schema; a mismatch is a 400 naming each failing field (RFC 7807 `invalidParams`). */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new HttpProblem(400, 'Bad Request', `The ${what} is not valid.`, {
    invalidParams: result.error.issues.map((issue) => ({
      name: issue.path.length > 0 ? issue.path.join('.') : '(root)',
      reason: issue.message,
    })),
  });
}
