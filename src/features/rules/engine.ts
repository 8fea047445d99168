import type { components } from '../../generated/api.ts';
import { compileLinearPattern, type LinearPattern } from './linear-regex.ts';

type Schemas = components['schemas'];
export type RuleCondition = Schemas['RuleCondition'];
export type RuleActions = Schemas['RuleActions'];
export type RuleDefinition = Pick<Schemas['Rule'], 'id' | 'priority' | 'enabled' | 'match' | 'conditions' | 'actions' | 'created_at'>;

/** What rules look at: a transaction as written, before rules and the model. */
export type RuleSubject = { description: string; merchant: string | null; amount: number; accountId: string };

/** What the caller set explicitly: those fields no rule may change. */
export type GivenFields = { categoryId: boolean; merchant: boolean; notes: boolean };

/** The rules' combined verdict for one transaction. */
export type RuleOutcome = {
  categoryId?: string;
  /** The rule that set the category. */
  ruleId?: string;
  merchant?: string;
  notes?: string;
  tags: string[];
};

type Test = (subject: RuleSubject) => boolean;
export type CompiledRule = { id: string; test: Test; actions: RuleActions };

function textTest(condition: Extract<RuleCondition, { field: 'description' | 'merchant' }>): Test {
  const read = (subject: RuleSubject) => (condition.field === 'merchant' ? subject.merchant : subject.description);
  if (condition.operator === 'regex') {
    const pattern = compileLinearPattern(condition.value) as LinearPattern;
    return (subject) => {
      const text = read(subject);
      return text !== null && pattern.test(text);
    };
  }
  const value = condition.value.toLowerCase();
  const compare = {
    contains: (text: string) => text.includes(value),
    equals: (text: string) => text === value,
    starts_with: (text: string) => text.startsWith(value),
    ends_with: (text: string) => text.endsWith(value),
  }[condition.operator];
  return (subject) => {
    const text = read(subject);
    return text !== null && compare(text.toLowerCase());
  };
}

function amountTest(condition: Extract<RuleCondition, { field: 'amount' }>): Test {
  if (condition.operator === 'between') {
    const [low, high] = condition.value as [number, number];
    return ({ amount }) => amount >= low && amount <= high;
  }
  const value = condition.value as number;
  const compare = { eq: (a: number) => a === value, gt: (a: number) => a > value, gte: (a: number) => a >= value, lt: (a: number) => a < value, lte: (a: number) => a <= value }[condition.operator];
  return ({ amount }) => compare(amount);
}

function conditionTest(condition: RuleCondition): Test {
  if (condition.field === 'amount') return amountTest(condition);
  if (condition.field === 'account_id') return ({ accountId }) => accountId === condition.value;
  return textTest(condition as Extract<RuleCondition, { field: 'description' | 'merchant' }>);
}

/** Checks a rule's conditions and prepares its tests; patterns must already be valid (see ruleProblems). */
export function compileRule(rule: RuleDefinition): CompiledRule {
  const tests = rule.conditions.map(conditionTest);
  const test: Test = rule.match === 'any' ? (subject) => tests.some((t) => t(subject)) : (subject) => tests.every((t) => t(subject));
  return { id: rule.id, test, actions: rule.actions };
}

/** Rules in the order they run: ascending priority, then oldest first; disabled ones left out. */
export function compileRules(rules: readonly RuleDefinition[]): CompiledRule[] {
  return rules
    .filter((rule) => rule.enabled)
    .toSorted((a, b) => a.priority - b.priority || (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
    .map(compileRule);
}

/** Every matching rule in order: for each field the first that sets it wins; tags accumulate. */
export function applyRules(rules: readonly CompiledRule[], subject: RuleSubject, given: GivenFields): RuleOutcome {
  const outcome: RuleOutcome = { tags: [] };
  for (const rule of rules) {
    if (!rule.test(subject)) continue;
    const { set_category: category, set_merchant: merchant, set_notes: notes, add_tags: tags } = rule.actions;
    if (category && !given.categoryId && outcome.categoryId === undefined) Object.assign(outcome, { categoryId: category, ruleId: rule.id });
    if (merchant && !given.merchant && outcome.merchant === undefined) outcome.merchant = merchant;
    if (notes && !given.notes && outcome.notes === undefined) outcome.notes = notes;
    for (const tag of tags ?? []) if (!outcome.tags.includes(tag)) outcome.tags.push(tag);
  }
  return outcome;
}

/** What is wrong with a rule's conditions beyond the contract's schema, per JSON pointer. */
export function conditionProblems(conditions: readonly RuleCondition[], pointer = '#/conditions'): { pointer: string; message: string }[] {
  return conditions.flatMap((condition, index) => {
    const at = `${pointer}/${index}/value`;
    if (condition.field === 'amount' && condition.operator === 'between') {
      const [low, high] = condition.value as [number, number];
      return low > high ? [{ pointer: at, message: 'has its low bound above its high bound' }] : [];
    }
    if (condition.field !== 'amount' && condition.field !== 'account_id' && condition.operator === 'regex') {
      const compiled = compileLinearPattern(condition.value);
      return 'problem' in compiled ? [{ pointer: at, message: compiled.problem }] : [];
    }
    return [];
  });
}
