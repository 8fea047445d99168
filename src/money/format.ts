/** Minor units as a decimal string in major units: (-450, 2) → "-4.50", (1200, 0) → "1200". Exact, no floats. */
export function formatMinorUnits(amount: number, exponent: number): string {
  const digits = Math.abs(amount).toString().padStart(exponent + 1, '0');
  const sign = amount < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
