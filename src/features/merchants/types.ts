import type { defaultCategories } from '../categories/defaults.ts';

type Group = (typeof defaultCategories)[number];
/** A default category as "Group" or "Group › Child", e.g. "Food & Drink › Groceries": what a brand is usually filed under. */
export type DefaultCategoryPath = Group['name'] | `${Group['name']} › ${string}`;

/** One known brand of the shipped lexicon. */
export type Brand = {
  /** The clean name shown to users: "Whole Foods", "PG&E", "Amazon". */
  name: string;
  /** Where most people file it, in the default taxonomy. */
  category: DefaultCategoryPath;
  /**
   * How it appears in bank descriptions once card/processor prefixes, store numbers, dates and
   * places are stripped and the text upper-cased: matched as whole-word prefixes of the cleaned
   * text, longest first ("WHOLEFDS", "WHOLE FOODS", "WFM").
   */
  aliases: string[];
  /** Where it is common: for the evaluation generator's mix of users. */
  regions: ('US' | 'UK' | 'EU')[];
  /**
   * Also match the aliases as whole words anywhere in the cleaned text, not only at its start:
   * payroll and fee lines name the employer, the amount or the account around the keyword
   * ("ACME CORP PAYROLL", "CHASE MONTHLY SERVICE FEE"). Tried only when no brand matches at the start.
   */
  matchAnywhere?: boolean;
};

/** What merchant cleaning makes of a raw description. */
export type CleanedMerchant = {
  /** The normalized key (upper case, noise stripped): what aliases and per-user renames are keyed by. */
  key: string;
  /** The display name: the brand's name when the lexicon knows it, else the key in title case. */
  name: string;
  /** The lexicon brand, when matched. */
  brand?: Brand;
};
