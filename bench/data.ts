// The synthetic ledger's vocabulary: merchants by category with amount ranges and frequencies.

/** Every bench user's password (one argon2id hash is computed per seed). */
export const benchPassword = 'bench-password-123';

/** Purchases: [category name, relative frequency, min, max amount in cents, merchants by popularity]. */
const purchaseCategories: [string, number, number, number, string[]][] = [
  ['Groceries', 22, 1500, 18000, ['Whole Foods Market', "Trader Joe's", 'Kroger', 'Safeway', 'Costco', 'Aldi', 'Publix',
    'Sprouts Farmers Market', 'H-E-B', 'Wegmans', 'Food Lion', 'Farmers Market']],
  ['Restaurants', 14, 1200, 9000, ['Chipotle', 'Panera Bread', 'Shake Shack', 'Sweetgreen', 'Olive Garden', 'Five Guys',
    'The Cheesecake Factory', "Domino's Pizza", 'Taco Bell', "McDonald's", 'Subway', 'Panda Express', 'Noodles & Company',
    'Thai Kitchen', 'Sushi Palace', "Joe's Pizza"]],
  ['Coffee', 12, 350, 900, ['Starbucks', "Dunkin'", "Peet's Coffee", 'Blue Bottle Coffee', 'Tim Hortons', 'Corner Cafe', 'Philz Coffee']],
  ['Household', 5, 800, 12000, ['Amazon', 'Target', 'Walmart', 'IKEA', 'Home Depot', "Lowe's", 'Bed Bath & Beyond', 'Dollar Tree']],
  ['Fuel', 6, 2500, 7000, ['Shell', 'Chevron', 'ExxonMobil', 'BP', 'Costco Gas', 'Speedway', 'Circle K']],
  ['Public transport', 4, 275, 12700, ['MTA', 'BART', 'Metro Transit', 'Amtrak']],
  ['Taxi & rideshare', 4, 800, 4500, ['Uber', 'Lyft', 'Yellow Cab']],
  ['Parking & tolls', 2, 300, 3000, ['ParkMobile', 'E-ZPass', 'SpotHero']],
  ['Car maintenance', 0.5, 4000, 60000, ['Jiffy Lube', 'Firestone Complete Auto Care', 'Midas', 'Pep Boys']],
  ['Clothing', 3, 2000, 15000, ['Uniqlo', 'H&M', 'Nike', 'Gap', 'Old Navy', 'Zara', 'Nordstrom', 'TJ Maxx']],
  ['Electronics', 1, 1500, 150000, ['Apple Store', 'Best Buy', 'Newegg', 'B&H Photo']],
  ['Pharmacy', 2.5, 500, 6000, ['CVS Pharmacy', 'Walgreens', 'Rite Aid']],
  ['Doctor', 0.6, 2500, 30000, ['City Medical Group', 'Smile Dental', 'Vision Center']],
  ['Fitness', 1, 1500, 8000, ['Planet Fitness', 'ClassPass', 'Equinox', 'Peloton']],
  ['Events', 1, 2500, 20000, ['Ticketmaster', 'AMC Theatres', 'Eventbrite', 'StubHub']],
  ['Games', 1, 500, 7000, ['Steam', 'PlayStation Store', 'Nintendo eShop', 'Xbox']],
  ['Hobbies', 1.2, 1000, 9000, ['REI', 'Michaels', 'Barnes & Noble', 'Guitar Center']],
  ['Flights', 0.3, 9000, 90000, ['Delta Air Lines', 'United Airlines', 'Southwest Airlines', 'American Airlines', 'JetBlue']],
  ['Lodging', 0.3, 9000, 60000, ['Airbnb', 'Marriott', 'Hilton', 'Booking.com', 'Hyatt']],
  ['Software', 0.8, 299, 2999, ['Adobe', 'Microsoft 365', 'Dropbox', 'GitHub', '1Password', 'Google One']],
  ['Maintenance', 0.5, 2000, 40000, ['Ace Hardware', 'TaskRabbit', 'Handy']],
  ['Insurance', 0.3, 5000, 30000, ['Geico', 'State Farm', 'Progressive', 'Allstate']],
  ['Personal care', 2, 1500, 8000, ['Great Clips', 'Sephora', 'Ulta Beauty', 'Supercuts', 'Bath & Body Works']],
  ['Education', 0.4, 1000, 50000, ['Coursera', 'Udemy', 'Duolingo', 'MasterClass']],
  ['Gifts & donations', 0.8, 1000, 20000, ['Etsy', 'Red Cross', 'GoFundMe', '1-800-Flowers', 'Wikimedia Foundation']],
  ['Bank fees', 0.3, 100, 3500, ['Chase Bank', 'ATM Fee']],
];

export type Merchant = { name: string; category: string; weight: number; min: number; max: number };

/** Within a category, popularity follows Zipf (the i-th merchant is 1/i as frequent as the first). */
export const merchants: Merchant[] = purchaseCategories.flatMap(([category, frequency, min, max, names]) => {
  const harmonic = names.reduce((sum, _, i) => sum + 1 / (i + 1), 0);
  return names.map((name, i) => ({ name, category, weight: (frequency * (1 / (i + 1))) / harmonic, min, max }));
});

/**
 * Monthly recurring rows: [day offset in the month, category, merchant, account, description, amount SQL].
 * The amount SQL may use `h` (a stable per-user number in 0..999999) and random().
 */
export const recurring: [number, string, string, 'checking' | 'savings' | 'card', string, string][] = [
  [0, 'Salary', 'Acme Corp Payroll', 'checking', 'ACME CORP PAYROLL DIRECT DEP', '180000 + (h % 200000)'],
  [14, 'Salary', 'Acme Corp Payroll', 'checking', 'ACME CORP PAYROLL DIRECT DEP', '180000 + (h % 200000)'],
  [0, 'Rent & mortgage', 'Greenview Apartments', 'checking', 'GREENVIEW APARTMENTS RENT', '-(110000 + (h % 150000))'],
  [19, 'Utilities', 'City Power & Light', 'checking', 'CITY POWER & LIGHT AUTOPAY', '-(6000 + floor(random() * 12000))'],
  [7, 'Streaming', 'Netflix', 'card', 'NETFLIX.COM', '-1599'],
  [11, 'Streaming', 'Spotify', 'card', 'SPOTIFY USA', '-1199'],
  [27, 'Interest & dividends', 'Ally Bank', 'savings', 'INTEREST PAYMENT', '100 + floor(random() * 900)'],
];

/** Budgets every user gets: [name, category name or null (all spending), period, amount, rollover]. */
export const budgets: [string, string | null, 'weekly' | 'monthly' | 'yearly', number, boolean][] = [
  ['Groceries', 'Groceries', 'monthly', 60000, false],
  ['Eating out', 'Food & Drink', 'monthly', 50000, true],
  ['Everything', null, 'monthly', 400000, false],
  ['Weekly coffee', 'Coffee', 'weekly', 2500, false],
  ['Travel', 'Travel', 'yearly', 300000, false],
];
