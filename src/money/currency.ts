import { z } from 'zod';
import { currencyExponents, type CurrencyCode } from './currencies.ts';

export const currencyCodes = Object.keys(currencyExponents) as [CurrencyCode, ...CurrencyCode[]];

/** A column holding an ISO 4217 code, typed as the API's CurrencyCode union. */
export const currencyCode = z.enum(currencyCodes);
