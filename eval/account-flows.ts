import type { DefaultCategoryPath } from '../src/features/merchants/types.ts';
import type { Region } from './local-merchants.ts';
import type { Random } from './random.ts';

/**
 * Money that is not a shop purchase: pay, rent, card payments, savings, fees, interest. Each
 * flow writes its descriptions the way banks of its region do; `{party}` is the employer,
 * landlord or bank the user deals with.
 */
export type AccountFlow = {
  kind: string;
  category: DefaultCategoryPath;
  /** Positive: money in. Median in major units. */
  typicalAmount: number;
  /** Days between occurrences (0: irregular, drawn like purchases). */
  everyDays: number;
  templates: Record<Region, readonly string[]>;
};

export const accountFlows: readonly AccountFlow[] = [
  { kind: 'salary', category: 'Income › Salary', typicalAmount: 3200, everyDays: 14, templates: {
    US: ['{party} PAYROLL PPD ID: {n}', 'DIRECT DEP {party} PAYRLL', 'ACH CREDIT {party} DIR DEP'],
    UK: ['{party} LTD SALARY', 'BGC {party} LTD PAY', 'FASTER PAYMENT {party} SALARY'],
    EU: ['GEHALT {party} GMBH', 'SALAIRE {party} SA', 'SEPA CREDIT {party} LOHN'] } },
  { kind: 'rent', category: 'Housing › Rent & mortgage', typicalAmount: -1600, everyDays: 30, templates: {
    US: ['ZELLE TO {party} RENT', '{party} PROPERTY MGMT WEB PMT', '{party} MORTGAGE PMT'],
    UK: ['STANDING ORDER {party} RENT', 'SO {party} LETTINGS', '{party} MORTGAGE DD'],
    EU: ['DAUERAUFTRAG MIETE {party}', 'LOYER {party} PRLV SEPA', 'HUUR {party}'] } },
  { kind: 'card-payment', category: 'Transfers › Credit card payment', typicalAmount: -900, everyDays: 30, templates: {
    US: ['PAYMENT THANK YOU', 'AUTOPAY {party} CRD PMT', 'ONLINE PAYMENT TO {party} CARD {n}'],
    UK: ['{party} CREDIT CARD DD', 'PAYMENT TO {party} CARD', 'DIRECT DEBIT {party} CARDS'],
    EU: ['KREDITKARTE ABRECHNUNG {party}', 'PRLV CARTE {party}', 'CREDITCARD AFLOSSING {party}'] } },
  { kind: 'savings', category: 'Transfers › Savings', typicalAmount: -400, everyDays: 30, templates: {
    US: ['ONLINE TRANSFER TO SAV XXXXXX{n}', 'TRANSFER TO SAVINGS {n}', '{party} SAVINGS XFER'],
    UK: ['TRANSFER TO SAVINGS ACC {n}', 'TO ISA {party}', 'SAVINGS POT TRANSFER'],
    EU: ['UMBUCHUNG SPARKONTO {n}', 'VIREMENT EPARGNE {n}', 'OVERBOEKING SPAARREKENING {n}'] } },
  { kind: 'interest', category: 'Income › Interest & dividends', typicalAmount: 4, everyDays: 30, templates: {
    US: ['INTEREST PAYMENT', 'INTEREST PAID {n}', 'DIVIDEND {party}'],
    UK: ['INTEREST PAID GROSS', 'CREDIT INTEREST', 'DIVIDEND {party} PLC'],
    EU: ['HABENZINSEN', 'INTERETS CREDITEURS', 'RENTE UITBETALING'] } },
  { kind: 'bank-fee', category: 'Fees › Bank fees', typicalAmount: -12, everyDays: 0, templates: {
    US: ['MONTHLY SERVICE FEE', 'OVERDRAFT FEE {n}', 'FOREIGN TRANSACTION FEE', 'NON-{party} ATM FEE'],
    UK: ['ACCOUNT FEE', 'NON-STERLING TRANSACTION FEE', 'UNARRANGED OVERDRAFT FEE'],
    EU: ['KONTOFUEHRUNGSGEBUEHR', 'FRAIS TENUE DE COMPTE', 'AUSLANDSEINSATZENTGELT'] } },
  { kind: 'interest-charge', category: 'Fees › Interest charges', typicalAmount: -28, everyDays: 30, templates: {
    US: ['INTEREST CHARGE ON PURCHASES', 'PURCHASE INTEREST CHARGE', 'INTEREST CHARGED {n}'],
    UK: ['INTEREST ON PURCHASES', 'OVERDRAFT INTEREST', 'INTEREST CHARGED'],
    EU: ['SOLLZINSEN', 'INTERETS DEBITEURS', 'DEBETRENTE'] } },
  { kind: 'refund', category: 'Income › Refunds & reimbursements', typicalAmount: 45, everyDays: 0, templates: {
    US: ['REFUND {party}', 'REIMBURSEMENT {party} EXPENSES', 'CREDIT RETURN {party}'],
    UK: ['REFUND FROM {party}', 'EXPENSES {party} LTD', 'RETURN CREDIT {party}'],
    EU: ['ERSTATTUNG {party}', 'REMBOURSEMENT {party}', 'TERUGBETALING {party}'] } },
];

const parties = ['ACME', 'GLOBEX', 'INITECH', 'NORTHWIND', 'CONTOSO', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI', 'VANDELAY',
  'OAKRIDGE', 'BLUEWATER', 'SUMMIT', 'KESTREL', 'HALCYON', 'MERCER', 'ASHFORD', 'LARKSPUR', 'PEMBERTON', 'QUANTUM'];

/** A description of one occurrence of `flow` for a user dealing with `party`. */
export function describeFlow(flow: AccountFlow, random: Random, region: Region, party: string): string {
  return random
    .pick(flow.templates[region])
    .replace('{party}', party)
    .replace('{n}', String(random.int(1000, 9999)));
}

export function randomParty(random: Random): string {
  return random.pick(parties);
}
