import type { DefaultCategoryPath } from '../src/features/merchants/types.ts';
import type { Random } from './random.ts';

export type Region = 'US' | 'UK' | 'EU';

/** A shop that no lexicon knows: what the user calls it, where it is filed, what it costs. */
export type LocalMerchant = {
  name: string;
  category: DefaultCategoryPath;
  /** Median spend in major units. */
  typicalAmount: number;
  region: Region;
};

type Trade = { category: DefaultCategoryPath; words: readonly string[]; typicalAmount: number };

/**
 * The words local shop names carry, per default category. The last word of each list is held out
 * of the prior's training corpus ("unseen" trades), so the evaluation also sees words the prior
 * never did.
 */
const trades: readonly Trade[] = [
  { category: 'Food & Drink › Restaurants', typicalAmount: 35, words: ['PIZZA', 'TAQUERIA', 'GRILL', 'DINER', 'BISTRO', 'SUSHI', 'THAI KITCHEN', 'BBQ', 'BURGERS', 'NOODLE HOUSE', 'RAMEN', 'TRATTORIA', 'STEAKHOUSE', 'CANTINA', 'KEBAB', 'CURRY HOUSE', 'BRASSERIE', 'TAVERN', 'PIZZERIA'] },
  { category: 'Food & Drink › Coffee', typicalAmount: 6, words: ['CAFE', 'COFFEE', 'ESPRESSO BAR', 'ROASTERS', 'TEA HOUSE', 'COFFEE HOUSE', 'KAFFEEHAUS'] },
  { category: 'Food & Drink › Groceries', typicalAmount: 45, words: ['MARKET', 'GROCERY', 'FOODS', 'BUTCHER', 'GREENGROCER', 'SUPERMARKET', 'FARM STAND', 'MINIMARKT', 'FISHMONGER', 'ORGANICS'] },
  { category: 'Transportation › Fuel', typicalAmount: 50, words: ['GAS', 'FUEL', 'PETROL', 'SERVICE STATION', 'TANKSTELLE'] },
  { category: 'Transportation › Parking & tolls', typicalAmount: 12, words: ['PARKING', 'CAR PARK', 'PARKHAUS', 'TOLL'] },
  { category: 'Transportation › Car maintenance', typicalAmount: 220, words: ['AUTO REPAIR', 'TIRE', 'AUTO BODY', 'LUBE', 'MOTORS SERVICE', 'CAR WASH', 'MECHANICS'] },
  { category: 'Transportation › Taxi & rideshare', typicalAmount: 22, words: ['CAB', 'TAXI', 'CAR SERVICE', 'MINICABS'] },
  { category: 'Housing › Maintenance', typicalAmount: 140, words: ['HARDWARE', 'PLUMBING', 'ELECTRICAL', 'LOCKSMITH', 'HANDYMAN', 'LAWN CARE', 'ROOFING', 'PEST CONTROL'] },
  { category: 'Health › Doctor', typicalAmount: 120, words: ['DENTAL', 'MEDICAL', 'CLINIC', 'PEDIATRICS', 'FAMILY PRACTICE', 'ORTHODONTICS', 'CHIROPRACTIC', 'OPTOMETRY', 'DERMATOLOGY', 'PHYSIOTHERAPY'] },
  { category: 'Health › Pharmacy', typicalAmount: 25, words: ['PHARMACY', 'CHEMIST', 'APOTHEKE', 'DRUG STORE', 'APOTHECARY'] },
  { category: 'Health › Fitness', typicalAmount: 45, words: ['FITNESS', 'GYM', 'YOGA', 'PILATES', 'CROSSFIT', 'BOXING CLUB', 'CLIMBING'] },
  { category: 'Personal care', typicalAmount: 40, words: ['SALON', 'BARBER', 'NAILS', 'SPA', 'HAIR STUDIO', 'BEAUTY', 'BARBERSHOP'] },
  { category: 'Shopping › Clothing', typicalAmount: 70, words: ['BOUTIQUE', 'APPAREL', 'SHOES', 'TAILOR', 'OUTFITTERS', 'DENIM', 'MENSWEAR'] },
  { category: 'Shopping › Electronics', typicalAmount: 160, words: ['COMPUTERS', 'ELECTRONICS', 'PHONE REPAIR', 'CAMERA', 'HIFI'] },
  { category: 'Shopping › Household', typicalAmount: 60, words: ['HOME GOODS', 'FURNITURE', 'GARDEN CENTER', 'KITCHENWARE', 'HOMEWARES'] },
  { category: 'Entertainment › Events', typicalAmount: 55, words: ['THEATRE', 'CINEMA', 'TICKETS', 'CONCERT HALL', 'MUSEUM', 'COMEDY CLUB'] },
  { category: 'Entertainment › Games', typicalAmount: 30, words: ['GAMES', 'ARCADE', 'BOWLING', 'GAMING LOUNGE'] },
  { category: 'Entertainment › Hobbies', typicalAmount: 35, words: ['BOOKS', 'BOOKSHOP', 'CRAFTS', 'MUSIC STORE', 'ART SUPPLY', 'HOBBY SHOP', 'YARN'] },
  { category: 'Travel › Lodging', typicalAmount: 180, words: ['HOTEL', 'INN', 'MOTEL', 'GUESTHOUSE', 'HOSTEL', 'LODGE'] },
  { category: 'Education', typicalAmount: 150, words: ['ACADEMY', 'SCHOOL', 'TUTORING', 'LEARNING CENTER', 'COLLEGE'] },
  { category: 'Gifts & donations', typicalAmount: 40, words: ['FLORIST', 'GIFTS', 'CHURCH', 'FOUNDATION', 'CHARITY', 'FLOWERS'] },
];

/** Owner and place names local shops are named after; the prior's corpus and the ledgers use different halves. */
const ownerNames = {
  corpus: ['ROSAS', 'MAPLE', 'MAIN ST', 'GOLDEN', 'BLUE DOOR', 'OAKWOOD', 'RIVERSIDE', 'SUNSET', 'LUCKY', 'ELM',
    'HARBOR', 'PARKSIDE', 'MARIOS', 'CEDAR', 'UNION', 'NORTHSIDE', 'GREEN LEAF', 'HIGHLAND', 'STATION', 'CORNER',
    'BELLA', 'KINGS', 'VILLAGE', 'SILVER', 'ALPINE'],
  ledger: ['TONYS', 'WILLOW', 'BROADWAY', 'RED BARN', 'LAKESHORE', 'PINE', 'FOXGLOVE', 'MILLBROOK', 'ANNAS', 'BRIDGE ST',
    'COPPER', 'ORCHARD', 'SEASIDE', 'HILLTOP', 'LINDEN', 'MEADOW', 'CASTLE', 'JADE', 'OLD TOWN', 'SPRING',
    'NOVA', 'HAPPY', 'EAST END', 'GRAND', 'BIRCH'],
} as const;

/** Names that say nothing about the trade: real ledgers are full of them. */
const opaqueNames = ['ZUMA', 'THE LOCAL', 'KOKO', 'LUMEN', 'BRIX', 'OTTO AND SONS', 'MERIDIAN', 'HOLLIS', 'NORTH & CO',
  'ATLAS', 'PENNY LANE', 'BRAMBLE', 'JUNO', 'WREN', 'SOLSTICE', 'HARTWELL', 'VESPER', 'MOSAIC'];

export type LocalPool = keyof typeof ownerNames;

/** The trades' words a pool may use: the corpus never sees the last word of each trade. */
function tradeWords(trade: Trade, pool: LocalPool): readonly string[] {
  return pool === 'corpus' ? trade.words.slice(0, -1) : trade.words;
}

/** A random local merchant of a pool; `opaque` is the chance its name carries no trade word. */
export function randomLocalMerchant(random: Random, region: Region, pool: LocalPool, opaque = 0): LocalMerchant {
  const trade = random.pick(trades);
  const owner = random.pick(ownerNames[pool]);
  const name = random.chance(opaque) ? `${random.pick(opaqueNames)} ${owner}` : `${owner} ${random.pick(tradeWords(trade, pool))}`;
  return { name, category: trade.category, typicalAmount: trade.typicalAmount, region };
}

/** Every trade with its category: the prior's corpus covers each. */
export const localTrades = trades;

const places: Record<Region, readonly string[]> = {
  US: ['SEATTLE WA', 'AUSTIN TX', 'PORTLAND OR', 'BROOKLYN NY', 'DENVER CO', 'CHICAGO IL', 'OAKLAND CA', 'BOSTON MA'],
  UK: ['LONDON GB', 'MANCHESTER', 'BRISTOL GBR', 'LEEDS', 'EDINBURGH GB', 'CARDIFF'],
  EU: ['BERLIN DE', 'PARIS FR', 'AMSTERDAM NLD', 'MADRID ES', 'MUNCHEN', 'LYON FR', 'WIEN AT'],
};

/** How card processors and banks of each region wrap a small shop's name; `{m}` is the name. */
const localTemplates: Record<Region, readonly string[]> = {
  US: ['SQ *{m}', 'TST* {m}', '{m} {place}', 'POS DEBIT {m} {n} {place}', 'DEBIT CARD PURCHASE - {m}',
    'PURCHASE AUTHORIZED ON {mm}/{dd} {m} {place} S{n}', 'CHECKCARD {mm}{dd} {m} {place}', '{m} #{n}'],
  UK: ['CARD PAYMENT TO {m} ON {dd} MAR', '{m} {place}', 'ZETTLE_*{m}', 'SUMUP *{m}', 'CONTACTLESS {m} {place}',
    'POS {n} {m}'],
  EU: ['KARTENZAHLUNG {m} {place}', 'CB {m} {dd}/{mm} {place}', 'PAGO TARJETA {m}', 'SUMUP *{m}', '{m} {place}',
    'BETAALPAS {m} {place}'],
};

const twoDigits = (value: number) => String(value).padStart(2, '0');

/** One bank description of a purchase at `merchant`, noisy the way real ones are. */
export function describeLocal(merchant: LocalMerchant, random: Random): string {
  const description = random
    .pick(localTemplates[merchant.region])
    .replace('{m}', merchant.name)
    .replace('{place}', random.pick(places[merchant.region]))
    .replace('{n}', String(random.int(100, 9999)))
    .replace('{mm}', twoDigits(random.int(1, 12)))
    .replace('{dd}', twoDigits(random.int(1, 28)));
  // Some terminals cut descriptions at 22 characters.
  return random.chance(0.1) ? description.slice(0, 22).trimEnd() : description;
}
