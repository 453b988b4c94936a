/**
 * The BRP's 11-test: for a 9-digit burgerservicenummer d1..d9, 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11
 * (and not 0).
 */
export function isValidBsn(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn)) return false;
  const digits = [...bsn].map(Number);
  const sum = digits.reduce((acc, d, i) => acc + (i === 8 ? -d : (9 - i) * d), 0);
  return sum !== 0 && sum % 11 === 0;
}
