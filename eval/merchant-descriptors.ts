// Seeded writers of raw bank descriptions, for measuring merchant cleaning (test/merchants.test.ts)
// and for the categorization evaluation's ledgers (eval/world.ts). The templates follow the
// shapes real US, UK, German, Dutch and French banks print: card and ACH lines, direct debits,
// SEPA structured fields, iDEAL, payroll credits and the banks' own fee lines. Cities and
// employers are the generator's own lists, not the cleaner's, so the figures are not circular.
import type { Brand } from '../src/features/merchants/types.ts';

export type Region = 'US' | 'UK' | 'EU';
type Rng = () => number;

/** A deterministic uniform source in [0, 1) (mulberry32): the same seed gives the same descriptions everywhere. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function digits(rng: Rng, count: number): string {
  let text = '';
  for (let index = 0; index < count; index++) text += String(int(rng, 0, 9));
  return text;
}

/** A reference code of capitals and digits, with at least one digit ("2K4LL1Q02"). */
function code(rng: Rng, length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const characters = Array.from({ length }, () => alphabet.charAt(int(rng, 0, alphabet.length - 1)));
  characters[int(rng, 0, length - 1)] = String(int(rng, 0, 9));
  return characters.join('');
}

const pad2 = (value: number) => String(value).padStart(2, '0');
const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** One day of the year, in every format the templates print. */
function someDay(rng: Rng) {
  const month = int(rng, 1, 12);
  const day = int(rng, 1, 28);
  const year = int(rng, 2023, 2026);
  const time = `${pad2(int(rng, 7, 22))}:${pad2(int(rng, 0, 59))}`;
  return {
    mmdd: `${pad2(month)}${pad2(day)}`,
    usShort: `${pad2(month)}/${pad2(day)}`,
    euShort: `${pad2(day)}/${pad2(month)}`,
    dotted: `${pad2(day)}.${pad2(month)}.${String(year).slice(2)}`,
    dottedLong: `${pad2(day)}.${pad2(month)}.${year}`,
    iso: `${year}-${pad2(month)}-${pad2(day)}`,
    dashed: `${pad2(day)}-${pad2(month)}-${year}`,
    compact: `${pad2(day)}${pad2(month)}${String(year).slice(2)}`,
    spoken: `${pad2(day)} ${monthNames[month - 1]}`,
    monthYear: `${pad2(month)}/${year}`,
    time,
    dottedTime: time.replace(':', '.'),
  };
}

const usPlaces: readonly (readonly [string, string])[] = [
  ['AUSTIN', 'TX'], ['PFLUGERVILLE', 'TX'], ['ROUND ROCK', 'TX'], ['HOUSTON', 'TX'], ['KATY', 'TX'], ['SAN FRANCISCO', 'CA'],
  ['OAKLAND', 'CA'], ['WALNUT CREEK', 'CA'], ['LOS ANGELES', 'CA'], ['BURBANK', 'CA'], ['SAN DIEGO', 'CA'], ['BROOKLYN', 'NY'],
  ['NEW YORK', 'NY'], ['YONKERS', 'NY'], ['HOBOKEN', 'NJ'], ['CHICAGO', 'IL'], ['EVANSTON', 'IL'], ['SEATTLE', 'WA'],
  ['KIRKLAND', 'WA'], ['DENVER', 'CO'], ['BOULDER', 'CO'], ['ATLANTA', 'GA'], ['DECATUR', 'GA'], ['MIAMI', 'FL'],
  ['CORAL GABLES', 'FL'], ['BOSTON', 'MA'], ['NEWTON', 'MA'], ['PHOENIX', 'AZ'], ['TEMPE', 'AZ'], ['PORTLAND', 'OR'],
  ['BEAVERTON', 'OR'], ['COLUMBUS', 'OH'], ['MINNEAPOLIS', 'MN'], ['EDINA', 'MN'], ['NASHVILLE', 'TN'], ['FRANKLIN', 'TN'],
  ['CHARLOTTE', 'NC'], ['CARY', 'NC'], ['SALT LAKE CITY', 'UT'], ['LAS VEGAS', 'NV'], ['HENDERSON', 'NV'], ['PHILADELPHIA', 'PA'],
];
const ukCities = ['LONDON', 'MANCHESTER', 'LEEDS', 'HARROGATE', 'KINGSTON', 'CHELTENHAM', 'BRISTOL', 'YORK', 'GLASGOW',
  'EDINBURGH', 'BIRMINGHAM', 'READING', 'GUILDFORD', 'NORWICH', 'BRIGHTON', 'CAMBRIDGE', 'SHEFFIELD', 'WOKING'];
const euPlaces = {
  DE: ['BERLIN', 'HAMBURG', 'MUENCHEN', 'KOELN', 'BOCHUM', 'LEVERKUSEN', 'POTSDAM', 'FRANKFURT', 'STUTTGART', 'LEIPZIG', 'DRESDEN'],
  NL: ['AMSTERDAM', 'UTRECHT', 'HILVERSUM', 'DEVENTER', 'ZWOLLE', 'ROTTERDAM', 'DEN HAAG', 'HAARLEM', 'AMERSFOORT', 'LEIDEN'],
  FR: ['PARIS', 'LYON', 'ROUEN', 'TOURS', 'NANTES', 'BORDEAUX', 'LILLE', 'RENNES', 'ANNECY', 'TOULOUSE'],
} as const;
type Country = keyof typeof euPlaces;
const employers = ['ACME CORP', 'GLOBEX INC', 'INITECH', 'UMBRELLA LLC', 'HOOLI', 'VANDELAY IND', 'STARK IND', 'WAYNE ENT',
  'CYBERDYNE', 'PIED PIPER', 'MASSIVE DYNAMIC', 'SOYLENT CO', 'TYRELL CORP', 'WONKA IND'];
const people = ['JOHN DOE', 'JANE ROE', 'A SMITH', 'M GARCIA', 'L NGUYEN', 'K PATEL', 'R JONES'];
const purposes = ['ABSCHLAG STROM', 'RECHNUNG', 'MONATSBEITRAG', 'VERTRAG', 'TERMIJN', 'MAANDBEDRAG', 'ECHEANCE', 'ABONNEMENT'];
const monthWords = { US: ['MARCH', 'APRIL'], UK: ['MARCH', 'APRIL'], DE: ['MAERZ', 'APRIL'], NL: ['MAART', 'APRIL'], FR: ['MARS', 'AVRIL'] };

/** Words in naive mixed case, as some banks export them ("Wholefds Mkt"). */
function mixedCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s/*-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** Every shape one template can draw on: the name as printed and the noise around it. */
type Parts = {
  rng: Rng;
  name: string;
  day: ReturnType<typeof someDay>;
  store: string;
  card: string;
};

/** US card records give the merchant a 25-character field; longer names are cut mid-word. */
function cardField(name: string): string {
  return name.slice(0, 25).trimEnd();
}

function partsFor(rng: Rng, name: string): Parts {
  const store = pick(rng, [digits(rng, 4), digits(rng, 5), `#${digits(rng, 4)}`, `#0${digits(rng, 3)}`, `STORE ${digits(rng, 4)}`, `00${digits(rng, 4)}`]);
  return { rng, name, day: someDay(rng), store, card: digits(rng, 4) };
}

/** A US place as a card record prints it: the city cut to its 13-character field. */
function usPlace(rng: Rng): string {
  const [city, state] = pick(rng, usPlaces);
  return `${city.slice(0, 13).trimEnd()} ${state}`;
}

type Template = (parts: Parts) => string;

const usStoreTemplates: readonly Template[] = [
  (p) => `${cardField(p.name)} ${p.store} ${usPlace(p.rng)}`,
  (p) => `${cardField(p.name)} ${p.store}`,
  (p) => `POS DEBIT ${cardField(p.name)} ${p.store} ${usPlace(p.rng)}`,
  (p) => `POS PURCHASE ${cardField(p.name)} ${usPlace(p.rng)}`,
  (p) => `CHECKCARD ${p.day.mmdd} ${cardField(p.name)} ${usPlace(p.rng)} ${digits(p.rng, 23)}`,
  (p) => `PURCHASE AUTHORIZED ON ${p.day.usShort} ${cardField(p.name)} ${usPlace(p.rng)} S${digits(p.rng, 15)} CARD ${p.card}`,
  (p) => {
    const [city, state] = pick(p.rng, usPlaces);
    return `Card Purchase ${p.day.usShort} ${mixedCase(cardField(p.name))} ${mixedCase(city)} ${state} Card ${p.card}`;
  },
  (p) => `DEBIT CARD PURCHASE - ${cardField(p.name)} ${p.store} ${usPlace(p.rng)}`,
  (p) => {
    const [city, state] = pick(p.rng, usPlaces);
    return `${p.name.slice(0, 22).padEnd(23)}${city.slice(0, 13).padEnd(14)}${state}`;
  },
  (p) => `APLPAY ${cardField(p.name)} ${p.store} ${usPlace(p.rng)}`,
];

const usBillTemplates: readonly Template[] = [
  (p) => `${p.name} ${int(p.rng, 800, 888)}-${digits(p.rng, 3)}-${digits(p.rng, 4)} ${pick(p.rng, usPlaces)[1]}`,
  (p) => `${p.name}*${code(p.rng, 9)} ${pick(p.rng, usPlaces)[1]}`,
  (p) => `${p.name} DES:${pick(p.rng, ['WEB PMT', 'BILL PAY', 'AUTOPAY', 'PAYMENT', 'INS PREM'])} ID:XXXXX${digits(p.rng, 4)} INDN:${pick(p.rng, people)} CO ID:${digits(p.rng, 10)} ${pick(p.rng, ['WEB', 'PPD', 'CCD'])}`,
  (p) => `RECURRING PAYMENT AUTHORIZED ON ${p.day.usShort} ${p.name} ${int(p.rng, 800, 888)}-${digits(p.rng, 3)}-${digits(p.rng, 4)} ${pick(p.rng, usPlaces)[1]} S${digits(p.rng, 15)} CARD ${p.card}`,
  (p) => `ACH DEBIT ${p.name} ${code(p.rng, 10)}`,
  (p) => `ELECTRONIC PAYMENT ${p.name} ${digits(p.rng, 8)}`,
  (p) => `PAYPAL *${p.name} 402-935-7733 CA`,
  (p) => `${p.name} ${p.day.usShort} ${code(p.rng, 6)}`,
];

const ukStoreTemplates: readonly Template[] = [
  (p) => `${p.name} ${pick(p.rng, ukCities)} GB`,
  (p) => `${p.name} ${p.store} ${pick(p.rng, ukCities)}`,
  (p) => `CARD PAYMENT TO ${p.name} ON ${p.day.dashed}`,
  (p) => `CARD PAYMENT TO ${p.name},${int(p.rng, 1, 240)}.${digits(p.rng, 2)} GBP, RATE 1.00/GBP ON ${p.day.dashed}`,
  (p) => `${p.name} ${p.store} CD ${p.card}`,
  (p) => `))) ${p.name} ${pick(p.rng, ukCities)}`,
  (p) => `VIS ${p.name} ${pick(p.rng, ukCities)}`,
  (p) => `CONTACTLESS PAYMENT ${p.name} ${pick(p.rng, ukCities)} ${p.day.spoken}`,
  (p) => `${mixedCase(p.name)} ${mixedCase(pick(p.rng, ukCities))}`,
];

const ukBillTemplates: readonly Template[] = [
  (p) => `DIRECT DEBIT PAYMENT TO ${p.name} REF ${code(p.rng, 10)}, MANDATE NO ${digits(p.rng, 2)}`,
  (p) => `${p.name} ${digits(p.rng, 12)} DD`,
  (p) => `DD ${p.name} ${code(p.rng, 8)}`,
  (p) => `${p.name} ${code(p.rng, 10)} DDR`,
  (p) => `DIRECT DEBIT ${p.name}`,
  (p) => `${p.name} ${pick(p.rng, ukCities)} GB`,
];

/** A city of a German, Dutch or French account, as banks there print it. */
function euCity(rng: Rng, country: Country): string {
  return pick(rng, euPlaces[country]);
}

const euStoreTemplates: Record<Country, readonly Template[]> = {
  DE: [
    (p) => `KARTENZAHLUNG ${p.name} ${p.store}//${euCity(p.rng, 'DE')}/DE ${p.day.iso}T${p.day.time}:00 KARTE 1 ${p.day.iso.slice(0, 7)}`,
    (p) => `Kartenzahlung girocard ${mixedCase(p.name)} ${p.store}//${mixedCase(euCity(p.rng, 'DE'))}/DE`,
    (p) => `Lastschrift ${mixedCase(p.name)} / ${mixedCase(euCity(p.rng, 'DE'))} / DE ${p.day.iso}T${p.day.time}:00 KFN 1 VJ ${digits(p.rng, 4)}`,
    (p) => `VISA Debitkartenumsatz ${p.name} ${euCity(p.rng, 'DE')} DE ${p.day.dottedLong}`,
    (p) => `${p.name} ${euCity(p.rng, 'DE')} DE ${p.day.dotted}`,
  ],
  NL: [
    (p) => `BEA   NR:${code(p.rng, 6)}   ${p.day.dotted}/${p.day.dottedTime} ${p.name} ${p.store},PAS${digits(p.rng, 3)}`,
    (p) => `BEA, Apple Pay ${p.name} ${p.store},PAS ${digits(p.rng, 3)} NR:${code(p.rng, 8)}, ${p.day.dotted}/${p.day.time} ${euCity(p.rng, 'NL')}`,
    (p) => `${p.name} ${p.store} ${euCity(p.rng, 'NL')} NLD`,
    (p) => `Betaalautomaat ${p.day.time} pasnr. ${digits(p.rng, 3)} ${p.name} ${euCity(p.rng, 'NL')}`,
  ],
  FR: [
    (p) => `CB ${p.name} ${p.day.euShort}`,
    (p) => `CARTE X${p.card} ${p.day.euShort} ${p.name} ${euCity(p.rng, 'FR')}`,
    (p) => `PAIEMENT PAR CARTE X${p.card} ${p.name} ${euCity(p.rng, 'FR')} ${p.day.euShort}`,
    (p) => `FACTURE CARTE DU ${p.day.compact} ${p.name} ${euCity(p.rng, 'FR')} CARTE 4974XXXXXXXX${p.card}`,
  ],
};

const euBillTemplates: Record<Country, readonly Template[]> = {
  DE: [
    (p) => `SEPA-Lastschrift ${p.name} EREF+${code(p.rng, 12)} MREF+${code(p.rng, 10)} CRED+DE${digits(p.rng, 2)}ZZZ${digits(p.rng, 11)} SVWZ+${pick(p.rng, purposes)} ${digits(p.rng, 6)}`,
    (p) => `FOLGELASTSCHRIFT ${p.name} ${pick(p.rng, purposes)} Mandatsref: ${code(p.rng, 10)} Gläubiger-ID: DE${digits(p.rng, 2)}ZZZ${digits(p.rng, 11)}`,
    (p) => `LASTSCHRIFT ${p.name} ${code(p.rng, 12)}`,
    (p) => `SEPA-LASTSCHRIFT SVWZ+${p.name} ${code(p.rng, 10)} EREF+${code(p.rng, 12)}`,
  ],
  NL: [
    (p) => `/TRTP/SEPA Incasso algemeen doorlopend/CSID/NL${digits(p.rng, 2)}ZZZ${digits(p.rng, 12)}/NAME/${p.name}/MARF/${code(p.rng, 10)}/REMI/${pick(p.rng, purposes)} ${digits(p.rng, 6)}/IBAN/NL${digits(p.rng, 2)}INGB0${digits(p.rng, 9)}/BIC/INGBNL2A/EREF/${code(p.rng, 12)}`,
    (p) => `SEPA Incasso algemeen doorlopend Incassant: NL${digits(p.rng, 2)}ZZZ${digits(p.rng, 12)} Naam: ${p.name} Machtiging: ${code(p.rng, 10)} Omschrijving: ${pick(p.rng, purposes)} IBAN: NL${digits(p.rng, 2)}ABNA0${digits(p.rng, 9)}`,
    (p) => `/TRTP/iDEAL/IBAN/NL${digits(p.rng, 2)}ABNA0${digits(p.rng, 9)}/BIC/ABNANL2A/NAME/${p.name}/REMI/${digits(p.rng, 16)} ${p.name}/EREF/${p.day.iso} ${p.day.time} ${digits(p.rng, 10)}`,
  ],
  FR: [
    (p) => `PRLV SEPA ${p.name} ${code(p.rng, 10)}`,
    (p) => `PRLV SEPA ${p.name} : ${pick(p.rng, purposes)} ECH/${p.day.compact} ID EMETTEUR/FR${digits(p.rng, 2)}ZZZ${digits(p.rng, 6)} MDT/${code(p.rng, 10)} REF/${code(p.rng, 12)}`,
    (p) => `PRELEVEMENT SEPA ${p.name} ${code(p.rng, 10)}`,
  ],
};

type Place = 'US' | 'UK' | Country;
const employerNames = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'HOOLI', 'VANDELAY', 'STARK', 'WAYNE', 'CYBERDYNE', 'PIED PIPER',
  'MASSIVE DYNAMIC', 'SOYLENT', 'TYRELL', 'WONKA'];
const legalSuffixes: Record<Place, readonly string[]> = {
  US: ['INC', 'LLC', 'CORP', 'CO'], UK: ['LTD', 'PLC', 'LIMITED'], DE: ['GMBH', 'AG', 'SE'], NL: ['BV', 'B.V.', 'NV'], FR: ['SAS', 'SA', 'SARL'],
};

function employer(rng: Rng, place: Place): string {
  return `${pick(rng, employerNames)} ${pick(rng, legalSuffixes[place])}`;
}

/** Payroll credits whose keyword sits among the employer's words ("ACME INC PAYROLL PPD ID: …"). */
const keywordIncomeTemplates: Record<Place, readonly Template[]> = {
  US: [
    (p) => `${employer(p.rng, 'US')} ${p.name} PPD ID: ${digits(p.rng, 10)}`,
    (p) => `${p.name} ${employer(p.rng, 'US')} ${digits(p.rng, 6)}`,
    (p) => `${employer(p.rng, 'US')} DES:${p.name} ID:${code(p.rng, 9)} INDN:${pick(p.rng, people)} CO ID:${digits(p.rng, 10)} PPD`,
    (p) => `ACH CREDIT ${employer(p.rng, 'US')} ${p.name}`,
  ],
  UK: [
    (p) => `${employer(p.rng, 'UK')} ${p.name} BGC`,
    (p) => `BGC ${employer(p.rng, 'UK')} ${p.name}`,
    (p) => `FASTER PAYMENT RECEIVED FROM ${employer(p.rng, 'UK')} REF ${p.name}`,
    (p) => `${employer(p.rng, 'UK')} ${p.name} ${pick(p.rng, monthWords.UK)}`,
  ],
  DE: [
    (p) => `GUTSCHRIFT ${employer(p.rng, 'DE')} SVWZ+${p.name} ${p.day.monthYear}`,
    (p) => `${p.name} ${p.day.monthYear} ${employer(p.rng, 'DE')}`,
    (p) => `SEPA-GUTSCHRIFT ${employer(p.rng, 'DE')} EREF+${code(p.rng, 12)} SVWZ+${p.name} ${pick(p.rng, monthWords.DE)} ${p.day.iso.slice(0, 4)}`,
  ],
  NL: [
    (p) => `/TRTP/SEPA OVERBOEKING/IBAN/NL${digits(p.rng, 2)}RABO0${digits(p.rng, 9)}/BIC/RABONL2U/NAME/${employer(p.rng, 'NL')}/REMI/${p.name} ${pick(p.rng, monthWords.NL)} ${p.day.iso.slice(0, 4)}/EREF/NOTPROVIDED`,
    (p) => `${p.name} ${pick(p.rng, monthWords.NL)} ${employer(p.rng, 'NL')}`,
  ],
  FR: [
    (p) => `VIR SEPA RECU /DE ${employer(p.rng, 'FR')} /MOTIF ${p.name} ${pick(p.rng, monthWords.FR)} /REF ${code(p.rng, 10)}`,
    (p) => `VIREMENT ${p.name} ${employer(p.rng, 'FR')}`,
  ],
};

/** Payroll providers that print their own name first ("GUSTO DES:PAYROLL …", "ADP WAGE PAY 123456 ACME INC"). */
const providerIncomeTemplates: readonly Template[] = [
  (p) => `${p.name} DES:PAYROLL ID:${code(p.rng, 9)} INDN:${pick(p.rng, people)} CO ID:${digits(p.rng, 10)} PPD`,
  (p) => `${p.name} ${digits(p.rng, 6)} ${employer(p.rng, 'US')}`,
  (p) => `ACH CREDIT ${p.name} ${employer(p.rng, 'US')}`,
  (p) => `${p.name} ${code(p.rng, 10)} BGC`,
];

const bankNames: Record<Place, readonly string[]> = {
  US: ['CHASE', 'WELLS FARGO', 'BANK OF AMERICA', 'US BANK'], UK: ['BARCLAYS', 'HSBC', 'NATWEST', 'SANTANDER'],
  DE: ['SPARKASSE', 'DKB', 'COMMERZBANK'], NL: ['ING', 'ABN AMRO', 'RABOBANK'], FR: ['BNP', 'SOCIETE GENERALE', 'LCL'],
};

/** The banks' own lines: fees, interest charged and paid, dividends. */
const bankLineTemplates: readonly ((p: Parts, place: Place) => string)[] = [
  (p) => p.name,
  (p) => p.name,
  (p, place) => `${p.name} ${place === 'US' ? p.day.usShort : p.day.dotted}`,
  (p, place) => `${pick(p.rng, bankNames[place])} ${p.name}`,
  (p, place) => `${p.name} ${place === 'US' ? `FOR A $${int(p.rng, 5, 90)}.00 ITEM` : `${int(p.rng, 1, 40)},${digits(p.rng, 2)}`}`,
  (p) => `${p.name} ${p.day.monthYear}`,
];

/** Card payments and person-to-person transfers: the platform's own name first. */
const transferTemplates: readonly ((p: Parts, place: Place) => string)[] = [
  (p) => p.name,
  (p) => `${p.name} ${code(p.rng, 10)}`,
  (p) => `${p.name} ${pick(p.rng, people)} ${digits(p.rng, 6)}`,
  (p, place) => (place === 'US' ? `${p.name} DES:PAYMENT ID:${code(p.rng, 9)} INDN:${pick(p.rng, people)}` : `${p.name} REF ${code(p.rng, 8)}`),
];

type Kind = 'store' | 'bill' | 'payroll' | 'provider' | 'bankLine' | 'transfer';

/** How a brand reaches a statement, from where it is filed. */
function kindOf(brand: Brand): Kind {
  const { category } = brand;
  if (category === 'Income › Salary') return brand.matchAnywhere ? 'payroll' : 'provider';
  if (category.startsWith('Income') || category.startsWith('Fees')) return 'bankLine';
  if (category.startsWith('Transfers')) return 'transfer';
  if (/^(?:Subscriptions|Housing › (?:Utilities|Insurance)|Education)/.test(category)) return 'bill';
  return 'store';
}

function placeIn(rng: Rng, region: Region): Place {
  return region === 'EU' ? pick(rng, ['DE', 'NL', 'FR'] as const) : region;
}

function templatesFor(kind: 'store' | 'bill', place: Place): readonly Template[] {
  if (place === 'US') return kind === 'store' ? usStoreTemplates : usBillTemplates;
  if (place === 'UK') return kind === 'store' ? ukStoreTemplates : ukBillTemplates;
  return kind === 'store' ? euStoreTemplates[place] : euBillTemplates[place];
}

/**
 * Spellings no lexicon lists: the first two words run together ("WHOLEFOODS MARKET"), a
 * possessive dropped ("MCDONALD"), "&" and "AND" swapped. Applied to a few descriptions so the
 * figure also reflects spellings the lexicon was not written from.
 */
const unlistedSpellings: readonly ((alias: string) => string)[] = [
  (alias) => alias.replace(/^(\S+) (\S+)/, '$1$2'),
  (alias) => alias.replace(/^(\S+)'S(?=\s|$)/, '$1'),
  (alias) => (alias.includes('&') ? alias.replace(/ ?& ?/, ' AND ') : alias.replace(/ AND /, ' & ')),
];

/** The alias a bank prints: the brand's main spelling a third of the time, else any of them, now and then unlisted. */
function printedAlias(rng: Rng, brand: Brand): string {
  const main = brand.aliases[0] ?? brand.name.toUpperCase();
  const alias = rng() < 0.35 ? main : pick(rng, brand.aliases);
  return rng() < 0.06 ? pick(rng, unlistedSpellings)(alias) : alias;
}

/** Casing a few banks and apps apply to the whole line. */
function withCasingNoise(rng: Rng, description: string): string {
  const roll = rng();
  if (roll < 0.04) return description.toLowerCase();
  if (roll < 0.08) return mixedCase(description);
  return description;
}

/**
 * A realistic raw description of one purchase from (or payment by) a lexicon brand, as a bank
 * in `region` prints it: card/POS and processor prefixes, store numbers, places, dates, masked
 * cards, reference codes and SEPA fields around one of the brand's printed aliases.
 */
export function describeBrand(brand: Brand, rng: Rng, region: Region): string {
  const place = placeIn(rng, region);
  const parts = partsFor(rng, printedAlias(rng, brand));
  const kind = kindOf(brand);
  let description: string;
  if (kind === 'payroll') description = pick(rng, keywordIncomeTemplates[place])(parts);
  else if (kind === 'provider') description = pick(rng, providerIncomeTemplates)(parts);
  else if (kind === 'bankLine') description = pick(rng, bankLineTemplates)(parts, place);
  else if (kind === 'transfer') description = pick(rng, transferTemplates)(parts, place);
  else description = pick(rng, templatesFor(rng() < 0.15 ? (kind === 'store' ? 'bill' : 'store') : kind, place))(parts);
  return withCasingNoise(rng, description);
}

// Made-up local merchants: the name their owners use, which the description should clean back to.
const usOwners = ['Marias', 'Joes', 'Tonys', "Rosa's", 'Lucky', 'Golden', 'Blue Door', 'Oak Street', 'Riverside', 'Sunset',
  'Harbor', 'Main Street', 'Green Leaf', 'Silver Spoon', 'Mission', 'Hometown', "O'Malley's", "McGregor's", 'El Rancho',
  'Casa Luna', "Kim's", 'Nguyen', 'Lees', "Ali's", 'Bella', 'Twin Oaks', 'Maple', 'Cedar', 'Liberty', 'Eagle'];
const usTrades = ['Tacos', 'Pizza', 'Pizzeria', 'Taqueria', 'Grill', 'Diner', 'Bistro', 'Sushi', 'Thai Kitchen', 'BBQ',
  'Burgers', 'Noodle House', 'Ramen', 'Bakery', 'Cafe', 'Coffee House', 'Deli', 'Market', 'Liquors', 'Hardware', 'Dry Cleaners',
  'Auto Repair', 'Tire & Lube', 'Nail Salon', 'Barber Shop', 'Florist', 'Dental', 'Pet Supply', 'Books', 'Yoga', 'Car Wash',
  'Laundromat', 'Pub', 'Tavern', 'Wine Bar', 'Steakhouse', 'Bagels', 'Donuts', 'Ice Cream', 'Juice Bar'];
const ukOwners = ["Mario's", 'The Red Lion', 'The Crown', "Patel's", 'Singh', 'Rose & Crown', 'Kings Arms', 'Bridge Street',
  'High Street', 'Abbey', 'Castle', 'Victoria', 'Corner', 'Village', 'Ivy', 'Fox & Hounds', 'Oakwood', 'Marlow'];
const ukTrades = ['Cafe', 'Chippy', 'Fish Bar', 'Kebab House', 'Curry House', 'Tandoori', 'Newsagents', 'Off Licence', 'Butchers',
  'Bakery', 'Barbers', 'Dry Cleaners', 'Garage', 'Hardware', 'Florist', 'Deli', 'Tea Room', 'Pub', 'Wine Bar', 'Bookshop', 'Gym'];
const euShops: Record<Country, { trades: readonly string[]; owners: readonly string[] }> = {
  DE: {
    trades: ['Bäckerei', 'Metzgerei', 'Blumen', 'Friseur', 'Buchhandlung', 'Getränke', 'Eiscafé', 'Café', 'Weinhandel', 'Optik', 'Schuhhaus'],
    owners: ['Schmidt', 'Müller', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Schulz', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann'],
  },
  NL: {
    trades: ['Bakkerij', 'Slagerij', 'Bloemenhuis', 'Kapsalon', 'Fietsenmaker', 'Snackbar', 'Eetcafé', 'Drogisterij', 'Viswinkel', 'Kaashandel'],
    owners: ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos'],
  },
  FR: {
    trades: ['Boulangerie', 'Boucherie', 'Pharmacie', 'Fromagerie', 'Librairie', 'Fleuriste', 'Pâtisserie', 'Brasserie', 'Tabac', 'Cave'],
    owners: ['Dupont', 'Martin', 'Bernard', 'Moreau', 'Laurent', 'Lefebvre', 'Girard', 'Roux', 'du Centre', 'de la Gare', 'du Marché'],
  },
};

function localName(rng: Rng, place: Place): string {
  if (place === 'US') return `${pick(rng, usOwners)} ${pick(rng, usTrades)}`;
  if (place === 'UK') return `${pick(rng, ukOwners)} ${pick(rng, ukTrades)}`;
  return `${pick(rng, euShops[place].trades)} ${pick(rng, euShops[place].owners)}`;
}

/** The name as a bank prints it: capitals, accents kept or folded ("MÜLLER", "MUELLER", "MULLER"), apostrophes sometimes lost. */
function printedName(rng: Rng, name: string, place: Place): string {
  let printed = name.toUpperCase();
  const accents = rng();
  const foldShare = place === 'FR' ? 0.7 : 0.45;
  if (accents < foldShare / 2) printed = printed.replace(/Ä/g, 'AE').replace(/Ö/g, 'OE').replace(/Ü/g, 'UE');
  if (accents < foldShare) printed = printed.normalize('NFD').replace(/\p{M}/gu, '');
  if (rng() < 0.15) printed = printed.replace(/'/g, '');
  if (rng() < 0.12) printed = `${printed} ${pick(rng, legalSuffixes[place])}`;
  return printed;
}

const localProcessors: Record<Place, readonly string[]> = {
  US: ['SQ *', 'SQ *', 'TST* ', 'TST*', 'SQU*', 'PAYPAL *', 'CLV*'], UK: ['SUMUP *', 'IZ *', 'ZETTLE_*', 'SQ *', 'CRV*'],
  DE: ['SUMUP *', 'ZETTLE_*', 'SQ *'], NL: ['SUMUP *', 'ZETTLE_*', 'CCV*'], FR: ['SUMUP *', 'ZETTLE_*', 'SQ *'],
};

/** A card record's merchant field is 25 characters, processor prefix included. */
function throughProcessor(rng: Rng, name: string, place: Place): string {
  return `${pick(rng, localProcessors[place])}${name}`.slice(0, 25).trimEnd();
}

function localTemplate(rng: Rng, place: Place): Template {
  if (place === 'US' || place === 'UK') return pick(rng, [...templatesFor('store', place), ...processorTemplates[place]]);
  return pick(rng, [...euStoreTemplates[place], ...processorTemplates[place]]);
}

const processorTemplates: Record<Place, readonly Template[]> = {
  US: [
    (p) => `${throughProcessor(p.rng, p.name, 'US')} ${usPlace(p.rng)}`,
    (p) => `${throughProcessor(p.rng, p.name, 'US')} ${p.store} ${usPlace(p.rng)}`,
    (p) => `${throughProcessor(p.rng, p.name, 'US')} gosq.com ${pick(p.rng, usPlaces)[1]}`,
    (p) => `POS DEBIT ${throughProcessor(p.rng, p.name, 'US')} ${usPlace(p.rng)}`,
  ],
  UK: [
    (p) => `${throughProcessor(p.rng, p.name, 'UK')} ${pick(p.rng, ukCities)}`,
    (p) => `CARD PAYMENT TO ${throughProcessor(p.rng, p.name, 'UK')} ON ${p.day.dashed}`,
  ],
  DE: [(p) => `KARTENZAHLUNG ${throughProcessor(p.rng, p.name, 'DE')} ${euCity(p.rng, 'DE')} DE ${p.day.iso}`],
  NL: [(p) => `BEA   NR:${code(p.rng, 6)}   ${p.day.dotted}/${p.day.dottedTime} ${throughProcessor(p.rng, p.name, 'NL')},PAS${digits(p.rng, 3)}`],
  FR: [(p) => `CB ${throughProcessor(p.rng, p.name, 'FR')} ${p.day.euShort}`],
};

/**
 * A made-up local merchant (no lexicon knows it) and one raw description of a purchase there:
 * `{ description: 'SQ *MARIAS TACOS 8821 AUSTIN TX', name: 'Marias Tacos' }`. The name is what
 * the owner calls the shop; the description may lose some of it (folded accents, dropped
 * apostrophes, a 25-character field), as real ones do.
 */
export function describeLocalMerchant(rng: Rng, region: Region): { description: string; name: string } {
  const place = placeIn(rng, region);
  const name = localName(rng, place);
  const parts = partsFor(rng, printedName(rng, name, place));
  return { description: withCasingNoise(rng, localTemplate(rng, place)(parts)), name };
}
