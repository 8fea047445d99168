/**
 * The scale the forecast models work on: the square root of each month's spending. Spending is
 * skewed (a quiet month next to an annual bill); on the square-root scale the lumps weigh less,
 * intervals come out wider above than below, and squaring back never goes negative. Measured on
 * generated ledgers (seed 2, two years of history / less): MAE 0.82 / 0.83 × seasonal naive's,
 * against 0.92 / 0.92 on the raw scale and 0.98 / 0.89 on a log1p scale (which shrinks the bills
 * too much). The square of the forecast is a typical month (median-like, what MAE rewards), a
 * little under the mean month of a lumpy series. A refund month below zero counts as 0.
 */
export const toModelScale = (amount: number): number => Math.sqrt(Math.max(0, amount));

export const fromModelScale = (value: number): number => Math.max(0, value) ** 2;
