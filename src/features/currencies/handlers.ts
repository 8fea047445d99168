import type { PublicHandler } from '../../http/operation.ts';
import { currencyExponents, type CurrencyCode } from '../../money/currencies.ts';
import { currencyNames } from '../../money/currency-names.ts';

const currencies = (Object.keys(currencyExponents) as CurrencyCode[]).map((code) => ({
  code,
  exponent: currencyExponents[code],
  name: currencyNames[code],
}));

/** The ISO 4217 table the API keeps money by: the same for everyone, and only a release changes it. */
export const listCurrencies: PublicHandler<'listCurrencies'> = async () => ({
  status: 200,
  body: { data: currencies },
  headers: { 'Cache-Control': 'public, max-age=86400' },
});
