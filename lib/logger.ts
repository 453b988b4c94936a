import pino from 'pino';

/**
 * Paths that may carry personal data (docs/domain.md: names, date of birth, passport number, address, e-mail, BSN).
 * Logs are for operators, who need ids and outcomes, never the person.
 */
export const personalDataPaths = [
  'person',
  '*.person',
  'residence.address',
  '*.residence.address',
  '*.address',
  '*.email',
  '*.passportNumber',
  '*.dateOfBirth',
  '*.givenNames',
  '*.familyName',
  '*.bsn',
  '*.burgerservicenummer',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.body',
];

export type Logger = pino.Logger;

/** One logger per process; children per request or per activity. `destination`: stdout unless given (tests). */
export function createLogger(options: { name: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: personalDataPaths, censor: '[redacted]' },
    },
    options.destination,
  );
}
