import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from '../src/db/sql.ts';
import { defaultCategories, transfersGroupName } from '../src/features/categories/defaults.ts';
import { seedDefaultCategories } from '../src/features/categories/queries.ts';
import { signUp, startTestApp, type TestApp, type Schema } from './helpers/app.ts';
import { factoriesFor, uniqueName } from './helpers/factories.ts';
import { badPageQueries, pagesOf } from './helpers/pages.ts';
import { asOwner } from './helpers/database.ts';
import { type Answer, base64url, problemShape, expectConflict, expectUnauthorized, expectUnprocessable, expectValidationProblem, expectReplay } from './helpers/expectations.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ token } = await signUp(t.api));
});
afterAll(() => t.close());

type Category = Schema<'Category'>;

// A new user comes with the default taxonomy: sign-up seeds it (seedDefaultCategories).
const { newUser, createAccount } = factoriesFor(() => t);

async function createGroup(owner: string, fields: Record<string, unknown> = {}): Promise<Category> {
  const response = await t.api.post('/v1/categories', { name: uniqueName('Group'), kind: 'expense', ...fields }, { token: owner });
  expect(response.status).toBe(201);
  return response.body as Category;
}

async function createChild(owner: string, parent: Category, fields: Record<string, unknown> = {}): Promise<Category> {
  const response = await t.api.post('/v1/categories', { name: uniqueName('Category'), parent_id: parent.id, ...fields }, { token: owner });
  expect(response.status).toBe(201);
  return response.body as Category;
}

const walk = (owner: string, query = 'limit=200') => pagesOf<Category>(t.api, `/v1/categories?${query}`, owner);

async function listAll(owner: string, query = 'limit=200'): Promise<Category[]> {
  return (await walk(owner, query)).flatMap((page) => page.data);
}

async function fetchCategory(owner: string, id: string): Promise<Answer> {
  return t.api.get(`/v1/categories/${id}`, { token: owner });
}

/** A transaction inserted as the database owner (the transactions API is not needed for these tests). */
async function insertTransaction(userId: string, accountId: string, categoryId: string | null, categorizedBy: string | null = 'rule') {
  const result = await asOwner<{ id: string }>(
    t.database.url,
    `insert into transactions (user_id, account_id, currency, date, amount, description, category_id, categorized_by)
     values ($1, $2, 'USD', '2026-01-05', -1250, 'CORNER CAFE 42', $3, $4) returning id`,
    [userId, accountId, categoryId, categorizedBy],
  );
  return result.rows[0]!.id;
}

async function transactionCategory(id: string) {
  const result = await asOwner<{ category_id: string | null; categorized_by: string | null }>(
    t.database.url,
    'select category_id, categorized_by from transactions where id = $1',
    [id],
  );
  return result.rows[0];
}

async function insertBudget(userId: string, categoryId: string): Promise<string> {
  const result = await asOwner<{ id: string }>(
    t.database.url,
    `insert into budgets (user_id, name, category_id, amount, currency, period, start_date)
     values ($1, 'Eating out', $2, 30000, 'USD', 'monthly', '2026-01-01') returning id`,
    [userId, categoryId],
  );
  return result.rows[0]!.id;
}

async function budgetCategory(id: string): Promise<string | null | undefined> {
  const result = await asOwner<{ category_id: string | null }>(t.database.url, 'select category_id from budgets where id = $1', [id]);
  return result.rows[0]?.category_id;
}

describe('POST /v1/categories', () => {
  it('creates a top-level group of the given kind', async () => {
    const name = uniqueName('Pets');
    const response = await t.api.post('/v1/categories', { name, kind: 'expense' }, { token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name, parent_id: null, kind: 'expense', archived: false });
    expect(response.headers.location).toBe(`/v1/categories/${response.body.id}`);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });

  it("creates a category in a group, taking the group's kind when none is given", async () => {
    const group = await createGroup(token, { kind: 'income' });
    const response = await t.api.post('/v1/categories', { name: 'Side gigs', parent_id: group.id }, { token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: 'Side gigs', parent_id: group.id, kind: 'income', archived: false });
  });

  it("accepts a kind that equals the group's", async () => {
    const group = await createGroup(token, { kind: 'transfer' });
    const child = await createChild(token, group, { kind: 'transfer' });
    expect(child.kind).toBe('transfer');
  });

  it('trims the name', async () => {
    const group = await createGroup(token);
    const response = await t.api.post('/v1/categories', { name: '  Bakery \t', parent_id: group.id }, { token });
    expect(response.status).toBe(201);
    expect(response.body.name).toBe('Bakery');
  });

  it('answers 422 naming kind when a top-level group has none', async () => {
    const owner = await newUser();
    const before = await listAll(owner.token);
    const response = await t.api.post('/v1/categories', { name: 'Kindless' }, { token: owner.token });
    expectUnprocessable(response, { pointer: '#/kind', in: 'body', message: 'is required for a top-level group' });
    expect(await listAll(owner.token)).toEqual(before);
  });

  it("answers 422 naming kind when the kind differs from the group's", async () => {
    const group = await createGroup(token, { kind: 'expense' });
    const response = await t.api.post('/v1/categories', { name: uniqueName('Category'), parent_id: group.id, kind: 'income' }, { token });
    expectUnprocessable(response, { pointer: '#/kind', in: 'body' });
    expect(await listAll(token, `parent_id=${group.id}`)).toEqual([]);
  });

  it('answers 422 naming parent_id when the parent is itself a category in a group (two levels only)', async () => {
    const group = await createGroup(token);
    const child = await createChild(token, group);
    const response = await t.api.post('/v1/categories', { name: uniqueName('Category'), parent_id: child.id }, { token });
    expectUnprocessable(response, { pointer: '#/parent_id', in: 'body' });
    expect(await listAll(token, `parent_id=${child.id}`)).toEqual([]);
  });

  it('answers 422 naming parent_id for a parent that does not exist', async () => {
    const response = await t.api.post('/v1/categories', { name: uniqueName('Category'), parent_id: randomUUID() }, { token });
    expectUnprocessable(response, { pointer: '#/parent_id', in: 'body', message: 'is not one of your categories' });
  });

  it('answers 409 for a name that differs from a sibling only by case or surrounding spaces', async () => {
    const group = await createGroup(token);
    await createChild(token, group, { name: 'Takeaway' });
    for (const name of ['takeaway', '  TAKEAWAY ']) {
      expectConflict(await t.api.post('/v1/categories', { name, parent_id: group.id }, { token }));
    }
    expect((await listAll(token, `parent_id=${group.id}`)).map((category) => category.name)).toEqual(['Takeaway']);
  });

  it('answers 409 for a second top-level group of the same name, in any case', async () => {
    const group = await createGroup(token);
    expectConflict(await t.api.post('/v1/categories', { name: group.name.toUpperCase(), kind: 'income' }, { token }));
  });

  it('allows the same name in different groups, and as a group and a category', async () => {
    const [first, second] = [await createGroup(token), await createGroup(token)];
    const a = await createChild(token, first, { name: 'Miscellaneous' });
    const b = await createChild(token, second, { name: 'miscellaneous' });
    const top = await createGroup(token, { name: 'Miscellaneous' });
    expect(new Set([a.id, b.id, top.id]).size).toBe(3);
  });

  it('lets two users each have a group with the same name', async () => {
    const [first, second] = [await newUser(), await newUser()];
    const a = await createGroup(first.token, { name: 'Hobby projects' });
    const b = await createGroup(second.token, { name: 'hobby projects' });
    expect(a.id).not.toBe(b.id);
  });

  describe('rejects a body that breaks the contract with a 400 naming the field, creating nothing', () => {
    let owner: string;
    let before: Category[];
    beforeAll(async () => {
      owner = (await newUser()).token;
      before = await listAll(owner);
    });

    it.each([
      { case: 'an unknown field', body: { name: 'Fine', kind: 'expense', colour: 'red' }, pointer: '#/colour' },
      { case: 'an id chosen by the client', body: { name: 'Fine', kind: 'expense', id: randomUUID() }, pointer: '#/id' },
      { case: 'a missing name', body: { kind: 'expense' }, pointer: '#/name' },
      { case: 'a number as the name', body: { name: 5, kind: 'expense' }, pointer: '#/name' },
      { case: 'an empty name', body: { name: '', kind: 'expense' }, pointer: '#/name' },
      { case: 'a whitespace-only name', body: { name: ' \t ', kind: 'expense' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { name: 'x'.repeat(101), kind: 'expense' }, pointer: '#/name' },
      { case: 'an unknown kind', body: { name: 'Fine', kind: 'savings' }, pointer: '#/kind' },
      { case: 'a parent_id that is not a uuid', body: { name: 'Fine', parent_id: 'groceries' }, pointer: '#/parent_id' },
      { case: 'a null parent_id', body: { name: 'Fine', kind: 'expense', parent_id: null }, pointer: '#/parent_id' },
      { case: 'an array instead of an object', body: [{ name: 'Fine', kind: 'expense' }], pointer: '#' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.post('/v1/categories', body, { token: owner });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect(await listAll(owner)).toEqual(before);
    });

    it('accepts a 100-character name (control for the 101-character one)', async () => {
      const response = await t.api.post('/v1/categories', { name: 'x'.repeat(100), kind: 'expense' }, { token });
      expect(response.status).toBe(201);
    });
  });
});

describe('GET /v1/categories', () => {
  const oldestFirst = (a: Category, b: Category) =>
    a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

  it('lists groups and their categories oldest first, including the ones just created', async () => {
    const owner = await newUser();
    const group = await createGroup(owner.token);
    const children = [await createChild(owner.token, group), await createChild(owner.token, group)];
    const all = await listAll(owner.token);
    expect(all).toEqual([...all].sort(oldestFirst));
    expect(all).toEqual(expect.arrayContaining([group, ...children]));
  });

  it('pages through every category 3 at a time without repeats or gaps', async () => {
    const owner = await newUser();
    const group = await createGroup(owner.token);
    for (let index = 0; index < 6; index += 1) await createChild(owner.token, group);
    const everything = await listAll(owner.token);
    const pages = await walk(owner.token, 'limit=3');
    expect(pages.slice(0, -1).every((page) => page.data.length === 3 && page.next_cursor !== null)).toBe(true);
    expect(pages.at(-1)!.next_cursor).toBeNull();
    expect(pages.flatMap((page) => page.data)).toEqual(everything);
  });

  it('filters by parent_id, kind and archived, across pages too', async () => {
    const owner = await newUser();
    const salaryGroup = await createGroup(owner.token, { kind: 'income' });
    const incomes = [await createChild(owner.token, salaryGroup), await createChild(owner.token, salaryGroup)];
    const otherGroup = await createGroup(owner.token, { kind: 'expense' });
    const archived = await createChild(owner.token, otherGroup);
    expect((await t.api.patch(`/v1/categories/${archived.id}`, { archived: true }, { token: owner.token })).status).toBe(200);

    const inGroup = await listAll(owner.token, `parent_id=${salaryGroup.id}&limit=1`);
    expect(inGroup.map((category) => category.id)).toEqual(incomes.map((category) => category.id));

    const everything = await listAll(owner.token);
    const income = await listAll(owner.token, 'kind=income&limit=2');
    expect(income).toEqual(everything.filter((category) => category.kind === 'income'));
    expect(income.map((category) => category.id)).toEqual(expect.arrayContaining([salaryGroup.id, ...incomes.map((category) => category.id)]));

    const onlyArchived = await listAll(owner.token, 'archived=true&limit=1');
    expect(onlyArchived.map((category) => category.id)).toEqual([archived.id]);
    const onlyActive = await listAll(owner.token, 'archived=false');
    expect(onlyActive).toEqual(everything.filter((category) => !category.archived));
    expect(onlyActive.map((category) => category.id)).not.toContain(archived.id);

    const combined = await listAll(owner.token, `parent_id=${otherGroup.id}&archived=false`);
    expect(combined).toEqual([]);
  });

  it('answers an empty last page for a parent_id that is no group of the caller', async () => {
    const response = await t.api.get(`/v1/categories?parent_id=${randomUUID()}`, { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [], next_cursor: null });
  });

  it.each([
    ...badPageQueries,
    { case: 'kind=savings', query: 'kind=savings', parameter: 'kind' },
    { case: 'a parent_id that is not a uuid', query: 'parent_id=food', parameter: 'parent_id' },
    { case: 'archived=maybe', query: 'archived=maybe', parameter: 'archived' },
    { case: 'a cursor whose id is not a uuid', query: `cursor=${base64url(['2026-01-05T09:30:00.000Z', 'nope'])}`, parameter: 'cursor' },
    { case: 'a cursor over 512 characters', query: `cursor=${'A'.repeat(513)}`, parameter: 'cursor' },
  ])('answers 400 naming the parameter for $case', async ({ query, parameter }) => {
    const response = await t.api.get(`/v1/categories?${query}`, { token });
    expectValidationProblem(response, { parameter, in: 'query' });
  });
  it.each([
    { case: 'year 0, which PostgreSQL cannot hold', at: '0000-01-01T00:00:00.000Z' },
    { case: 'a day that does not exist', at: '2026-02-30T00:00:00.000Z' },
    { case: 'an offset other than Z', at: '2026-01-05T09:30:00.000+02:00' },
  ])('answers 400, never 500, to a well-shaped cursor naming $case', async ({ at }) => {
    const response = await t.api.get(`/v1/categories?cursor=${base64url([at, randomUUID()])}`, { token });
    expectValidationProblem(response, { parameter: 'cursor', in: 'query' });
  });
});

describe('GET /v1/categories/{id}', () => {
  it('answers the category with the ETag it was created with', async () => {
    const group = await createGroup(token);
    const created = await t.api.post('/v1/categories', { name: uniqueName('Category'), parent_id: group.id }, { token });
    const response = await fetchCategory(token, created.body.id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(created.body);
    expect(response.headers.etag).toBe(created.headers.etag);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await fetchCategory(token, randomUUID());
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: '/problems/not-found' });
  });

  it('answers 400 naming the id for a path that is not a uuid', async () => {
    expectValidationProblem(await fetchCategory(token, 'groceries'), { parameter: 'id', in: 'path' });
  });
});

describe('PATCH /v1/categories/{id}', () => {
  it('renames (trimmed), archives and restores a category', async () => {
    const group = await createGroup(token);
    const child = await createChild(token, group);
    const renamed = await t.api.patch(`/v1/categories/${child.id}`, { name: '  Supermarket ' }, { token });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: child.id, name: 'Supermarket', parent_id: group.id, kind: 'expense', archived: false });
    expect(renamed.headers.etag).toMatch(/^"[\w-]+"$/);

    const archived = await t.api.patch(`/v1/categories/${child.id}`, { archived: true }, { token });
    expect(archived.body).toMatchObject({ name: 'Supermarket', archived: true });
    const restored = await t.api.patch(`/v1/categories/${child.id}`, { archived: false }, { token });
    expect(restored.body).toMatchObject({ name: 'Supermarket', archived: false });
    expect((await fetchCategory(token, child.id)).body).toEqual(restored.body);
  });

  it('lets a category change only the case of its own name', async () => {
    const group = await createGroup(token);
    const child = await createChild(token, group);
    const response = await t.api.patch(`/v1/categories/${child.id}`, { name: child.name.toUpperCase() }, { token });
    expect(response.status).toBe(200);
    expect(response.body.name).toBe(child.name.toUpperCase());
  });

  it('moves a category to another group of the same kind', async () => {
    const [from, to] = [await createGroup(token), await createGroup(token)];
    const child = await createChild(token, from);
    const response = await t.api.patch(`/v1/categories/${child.id}`, { parent_id: to.id }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ parent_id: to.id, kind: 'expense' });
    expect((await listAll(token, `parent_id=${to.id}`)).map((category) => category.id)).toEqual([child.id]);
  });

  it('moves a category to the top level with parent_id null', async () => {
    const group = await createGroup(token);
    const child = await createChild(token, group);
    const response = await t.api.patch(`/v1/categories/${child.id}`, { parent_id: null }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: child.id, parent_id: null, kind: 'expense' });
  });

  it('moves a category into a group of another kind when the kind changes with it', async () => {
    const expenses = await createGroup(token, { kind: 'expense' });
    const incomes = await createGroup(token, { kind: 'income' });
    const child = await createChild(token, expenses);
    const response = await t.api.patch(`/v1/categories/${child.id}`, { parent_id: incomes.id, kind: 'income' }, { token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ parent_id: incomes.id, kind: 'income' });
  });

  it('changes the kind of a group without categories', async () => {
    const group = await createGroup(token, { kind: 'expense' });
    const response = await t.api.patch(`/v1/categories/${group.id}`, { kind: 'transfer' }, { token });
    expect(response.status).toBe(200);
    expect(response.body.kind).toBe('transfer');
  });

  describe('keeps the two-level and same-kind rules (422), changing nothing', () => {
    let expenses: Category;
    let incomes: Category;
    let child: Category;
    let sibling: Category;
    beforeAll(async () => {
      expenses = await createGroup(token, { kind: 'expense' });
      incomes = await createGroup(token, { kind: 'income' });
      child = await createChild(token, expenses);
      sibling = await createChild(token, expenses);
    });

    const unchanged = async () => {
      for (const category of [expenses, incomes, child, sibling]) {
        expect((await fetchCategory(token, category.id)).body).toEqual(category);
      }
    };

    it('answers 422 naming kind for a move into a group of another kind', async () => {
      expectUnprocessable(await t.api.patch(`/v1/categories/${child.id}`, { parent_id: incomes.id }, { token }), { pointer: '#/kind' });
      await unchanged();
    });

    it("answers 422 naming kind for a category's kind that differs from its group's", async () => {
      expectUnprocessable(await t.api.patch(`/v1/categories/${child.id}`, { kind: 'income' }, { token }), { pointer: '#/kind' });
      await unchanged();
    });

    it('answers 422 naming kind for a group whose categories would keep the old kind', async () => {
      expectUnprocessable(await t.api.patch(`/v1/categories/${expenses.id}`, { kind: 'income' }, { token }), { pointer: '#/kind' });
      await unchanged();
    });

    it('answers 422 naming parent_id for a move under a category that is itself in a group', async () => {
      expectUnprocessable(await t.api.patch(`/v1/categories/${child.id}`, { parent_id: sibling.id }, { token }), { pointer: '#/parent_id' });
      await unchanged();
    });

    it('answers 422 naming parent_id for a group with categories moving under another group', async () => {
      const other = await createGroup(token, { kind: 'expense' });
      expectUnprocessable(await t.api.patch(`/v1/categories/${expenses.id}`, { parent_id: other.id }, { token }), { pointer: '#/parent_id' });
      await unchanged();
    });

    it('answers 422 naming parent_id for a category made its own parent', async () => {
      const lonely = await createGroup(token);
      expectUnprocessable(await t.api.patch(`/v1/categories/${lonely.id}`, { parent_id: lonely.id }, { token }), { pointer: '#/parent_id' });
      expect((await fetchCategory(token, lonely.id)).body).toEqual(lonely);
    });

    it('answers 422 naming parent_id for a parent that does not exist', async () => {
      expectUnprocessable(await t.api.patch(`/v1/categories/${child.id}`, { parent_id: randomUUID() }, { token }), {
        pointer: '#/parent_id',
        message: 'is not one of your categories',
      });
      await unchanged();
    });
  });

  it("answers 409 when the new name is a sibling's, in any case", async () => {
    const group = await createGroup(token);
    const taken = await createChild(token, group);
    const other = await createChild(token, group);
    expectConflict(await t.api.patch(`/v1/categories/${other.id}`, { name: taken.name.toLowerCase() }, { token }));
    expect((await fetchCategory(token, other.id)).body).toEqual(other);
  });

  it('answers 409 when moving into a group that already has a category of that name', async () => {
    const [from, to] = [await createGroup(token), await createGroup(token)];
    const moving = await createChild(token, from, { name: 'Snacks' });
    await createChild(token, to, { name: 'SNACKS' });
    expectConflict(await t.api.patch(`/v1/categories/${moving.id}`, { parent_id: to.id }, { token }));
    expect((await fetchCategory(token, moving.id)).body).toEqual(moving);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await t.api.patch(`/v1/categories/${randomUUID()}`, { name: 'Nobody' }, { token });
    expect(response.status).toBe(404);
  });

  describe('rejects a body that breaks the contract with a 400 naming the field, changing nothing', () => {
    let category: Category;
    beforeAll(async () => {
      category = await createGroup(token);
    });

    it.each([
      { case: 'an empty body', body: {}, pointer: '#' },
      { case: 'an unknown field', body: { name: 'Fine', colour: 'red' }, pointer: '#/colour' },
      { case: 'a number as the name', body: { name: 5 }, pointer: '#/name' },
      { case: 'a null name', body: { name: null }, pointer: '#/name' },
      { case: 'an empty name', body: { name: '' }, pointer: '#/name' },
      { case: 'a whitespace-only name', body: { name: '  ' }, pointer: '#/name' },
      { case: 'a 101-character name', body: { name: 'y'.repeat(101) }, pointer: '#/name' },
      { case: 'an unknown kind', body: { kind: 'savings' }, pointer: '#/kind' },
      { case: 'a parent_id that is not a uuid', body: { parent_id: 'food' }, pointer: '#/parent_id' },
      { case: 'archived sent as a string', body: { archived: 'yes' }, pointer: '#/archived' },
    ])('answers 400 naming $pointer for $case', async ({ body, pointer }) => {
      const response = await t.api.patch(`/v1/categories/${category.id}`, body, { token });
      expectValidationProblem(response, { pointer, in: 'body' });
      expect((await fetchCategory(token, category.id)).body).toEqual(category);
    });

    it('answers 400 naming the id for a path that is not a uuid', async () => {
      expectValidationProblem(await t.api.patch('/v1/categories/12345', { name: 'Fine' }, { token }), { parameter: 'id', in: 'path' });
    });
  });
});

describe('DELETE /v1/categories/{id}', () => {
  let owner: { token: string; id: string };
  let accountId: string;
  beforeAll(async () => {
    owner = await newUser();
    accountId = (await createAccount(owner)).id;
  });

  it('answers 204, after which the category answers 404 and is gone from the list', async () => {
    const group = await createGroup(owner.token);
    const doomed = await createChild(owner.token, group);
    const response = await t.api.delete(`/v1/categories/${doomed.id}`, { token: owner.token });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect((await fetchCategory(owner.token, doomed.id)).status).toBe(404);
    expect((await t.api.delete(`/v1/categories/${doomed.id}`, { token: owner.token })).status).toBe(404);
    expect((await listAll(owner.token)).map((category) => category.id)).not.toContain(doomed.id);
  });

  it('leaves its transactions uncategorized, and others untouched', async () => {
    const group = await createGroup(owner.token);
    const [doomed, kept] = [await createChild(owner.token, group), await createChild(owner.token, group)];
    const moved = [await insertTransaction(owner.id, accountId, doomed.id, 'rule'), await insertTransaction(owner.id, accountId, doomed.id, 'user')];
    const other = await insertTransaction(owner.id, accountId, kept.id, 'model');

    expect((await t.api.delete(`/v1/categories/${doomed.id}`, { token: owner.token })).status).toBe(204);
    for (const id of moved) expect(await transactionCategory(id)).toEqual({ category_id: null, categorized_by: null });
    expect(await transactionCategory(other)).toEqual({ category_id: kept.id, categorized_by: 'model' });
  });

  it('moves its transactions (as categorized by the user) and budgets to reassign_to', async () => {
    const group = await createGroup(owner.token);
    const [doomed, heir] = [await createChild(owner.token, group), await createChild(owner.token, group)];
    const transactions = [await insertTransaction(owner.id, accountId, doomed.id, 'model'), await insertTransaction(owner.id, accountId, doomed.id, 'rule')];
    const budget = await insertBudget(owner.id, doomed.id);

    const response = await t.api.delete(`/v1/categories/${doomed.id}?reassign_to=${heir.id}`, { token: owner.token });
    expect(response.status).toBe(204);
    expect((await fetchCategory(owner.token, doomed.id)).status).toBe(404);
    for (const id of transactions) expect(await transactionCategory(id)).toEqual({ category_id: heir.id, categorized_by: 'user' });
    expect(await budgetCategory(budget)).toBe(heir.id);
  });

  it('answers 409 for a category that budgets use and no reassign_to, changing nothing', async () => {
    const group = await createGroup(owner.token);
    const used = await createChild(owner.token, group);
    const transaction = await insertTransaction(owner.id, accountId, used.id, 'rule');
    const budget = await insertBudget(owner.id, used.id);

    const response = await t.api.delete(`/v1/categories/${used.id}`, { token: owner.token });
    expectConflict(response);
    expect(response.body.detail).toMatch(/budget/i);
    expect((await fetchCategory(owner.token, used.id)).body).toEqual(used);
    expect(await transactionCategory(transaction)).toEqual({ category_id: used.id, categorized_by: 'rule' });
    expect(await budgetCategory(budget)).toBe(used.id);
  });

  it('answers 409 for a group that still has categories, and deletes it once they are gone', async () => {
    const group = await createGroup(owner.token);
    const child = await createChild(owner.token, group);
    expectConflict(await t.api.delete(`/v1/categories/${group.id}`, { token: owner.token }));
    expect((await fetchCategory(owner.token, group.id)).body).toEqual(group);

    expect((await t.api.delete(`/v1/categories/${child.id}`, { token: owner.token })).status).toBe(204);
    expect((await t.api.delete(`/v1/categories/${group.id}`, { token: owner.token })).status).toBe(204);
  });

  it('frees the name for a new category in the same group', async () => {
    const group = await createGroup(owner.token);
    const doomed = await createChild(owner.token, group);
    expect((await t.api.delete(`/v1/categories/${doomed.id}`, { token: owner.token })).status).toBe(204);
    expect((await t.api.post('/v1/categories', { name: doomed.name, parent_id: group.id }, { token: owner.token })).status).toBe(201);
  });

  describe('answers 422 naming reassign_to when it is not another of the caller\'s categories, changing nothing', () => {
    let group: Category;
    let doomed: Category;
    let transaction: string;
    beforeAll(async () => {
      group = await createGroup(owner.token);
      doomed = await createChild(owner.token, group);
      transaction = await insertTransaction(owner.id, accountId, doomed.id, 'rule');
    });

    const cases: { case: string; target: () => Promise<string> }[] = [
      { case: 'the category itself', target: async () => doomed.id },
      { case: 'the category itself, in upper case', target: async () => doomed.id.toUpperCase() },
      { case: 'an id that does not exist', target: async () => randomUUID() },
      { case: "another user's category", target: async () => (await createGroup((await newUser()).token)).id },
    ];

    it.each(cases)('for $case', async ({ target }) => {
      const response = await t.api.delete(`/v1/categories/${doomed.id}?reassign_to=${await target()}`, { token: owner.token });
      expectUnprocessable(response, { parameter: 'reassign_to', in: 'query' });
      expect((await fetchCategory(owner.token, doomed.id)).body).toEqual(doomed);
      expect(await transactionCategory(transaction)).toEqual({ category_id: doomed.id, categorized_by: 'rule' });
    });
  });

  it('answers 400 naming reassign_to when it is not a uuid', async () => {
    const group = await createGroup(owner.token);
    expectValidationProblem(await t.api.delete(`/v1/categories/${group.id}?reassign_to=food`, { token: owner.token }), {
      parameter: 'reassign_to',
      in: 'query',
    });
  });

  it('answers 404 for an id that does not exist, and 400 for one that is not a uuid', async () => {
    expect((await t.api.delete(`/v1/categories/${randomUUID()}`, { token: owner.token })).status).toBe(404);
    expectValidationProblem(await t.api.delete('/v1/categories/abc', { token: owner.token }), { parameter: 'id', in: 'path' });
  });
});

describe('ETag and If-Match', () => {
  it('changes the ETag on PATCH, and the next GET answers the ETag the PATCH did', async () => {
    const group = await createGroup(token);
    const first = await fetchCategory(token, group.id);
    const patched = await t.api.patch(`/v1/categories/${group.id}`, { name: uniqueName('Renamed') }, { token });
    expect(patched.headers.etag).not.toBe(first.headers.etag);
    expect((await fetchCategory(token, group.id)).headers.etag).toBe(patched.headers.etag);
  });

  it('answers 412 to a PATCH whose If-Match names an old version, and changes nothing', async () => {
    const group = await createGroup(token);
    const stale = (await fetchCategory(token, group.id)).headers.etag as string;
    await t.api.patch(`/v1/categories/${group.id}`, { archived: true }, { token });
    const current = await fetchCategory(token, group.id);

    const response = await t.api.patch(`/v1/categories/${group.id}`, { name: uniqueName('Lost update') }, { token, headers: { 'If-Match': stale } });
    expect(response.status).toBe(412);
    expect(response.body).toMatchObject({ type: '/problems/precondition-failed', status: 412 });
    expect((await fetchCategory(token, group.id)).body).toEqual(current.body);
  });

  it('applies a PATCH whose If-Match is the current ETag, or *', async () => {
    const group = await createGroup(token);
    const current = (await fetchCategory(token, group.id)).headers.etag as string;
    expect((await t.api.patch(`/v1/categories/${group.id}`, { archived: true }, { token, headers: { 'If-Match': current } })).status).toBe(200);
    expect((await t.api.patch(`/v1/categories/${group.id}`, { archived: false }, { token, headers: { 'If-Match': '*' } })).status).toBe(200);
  });

  it('answers 412 to a DELETE whose If-Match names an old version, and keeps the category', async () => {
    const group = await createGroup(token);
    const stale = (await fetchCategory(token, group.id)).headers.etag as string;
    await t.api.patch(`/v1/categories/${group.id}`, { archived: true }, { token });
    const response = await t.api.delete(`/v1/categories/${group.id}`, { token, headers: { 'If-Match': stale } });
    expect(response.status).toBe(412);
    expect((await fetchCategory(token, group.id)).status).toBe(200);
  });

  it('deletes when If-Match is the current ETag', async () => {
    const group = await createGroup(token);
    const current = (await fetchCategory(token, group.id)).headers.etag as string;
    expect((await t.api.delete(`/v1/categories/${group.id}`, { token, headers: { 'If-Match': current } })).status).toBe(204);
    expect((await fetchCategory(token, group.id)).status).toBe(404);
  });
});

describe('Idempotency-Key on POST /v1/categories', () => {
  const post = (owner: string, body: unknown, key: string) => t.api.post('/v1/categories', body, { token: owner, headers: { 'Idempotency-Key': key } });

  it('replays the first answer to the same key and body, and creates one category', async () => {
    const owner = await newUser();
    const before = await listAll(owner.token);
    const key = randomUUID();
    const body = { name: uniqueName('Replayed'), kind: 'income' };
    const first = await post(owner.token, body, key);
    const second = await post(owner.token, body, key);

    expectReplay(first, second);
    expect(await listAll(owner.token)).toEqual([...before, first.body]);
  });

  it('answers 422 to the same key with a different body, and creates nothing more', async () => {
    const owner = await newUser();
    const key = randomUUID();
    const first = await post(owner.token, { name: uniqueName('First'), kind: 'expense' }, key);
    const afterFirst = await listAll(owner.token);
    const second = await post(owner.token, { name: uniqueName('Second'), kind: 'expense' }, key);
    expect(first.status).toBe(201);
    expectUnprocessable(second);
    expect(await listAll(owner.token)).toEqual(afterFirst);
  });
});

describe("another user's category", () => {
  let owner: string;
  let intruder: string;
  let group: Category;
  let child: Category;
  let etag: string;
  beforeAll(async () => {
    [owner, intruder] = [(await newUser()).token, (await newUser()).token];
    group = await createGroup(owner);
    child = await createChild(owner, group);
    etag = (await fetchCategory(owner, child.id)).headers.etag as string;
  });

  it('answers 404 (not 403) to GET, exactly like an id that does not exist', async () => {
    const response = await fetchCategory(intruder, child.id);
    const missing = await fetchCategory(intruder, randomUUID());
    expect(response.status).toBe(404);
    expect(problemShape(response)).toEqual(problemShape(missing));
  });

  it('answers 404 to PATCH, even with its current ETag, and the category is unchanged', async () => {
    const response = await t.api.patch(`/v1/categories/${child.id}`, { name: 'Mine now', archived: true }, { token: intruder, headers: { 'If-Match': etag } });
    expect(response.status).toBe(404);
    const after = await fetchCategory(owner, child.id);
    expect(after.body).toEqual(child);
    expect(after.headers.etag).toBe(etag);
  });

  it('answers 404 to DELETE, and the category still exists', async () => {
    expect((await t.api.delete(`/v1/categories/${child.id}`, { token: intruder })).status).toBe(404);
    expect((await t.api.delete(`/v1/categories/${child.id}?reassign_to=${group.id}`, { token: intruder })).status).toBe(404);
    expect((await fetchCategory(owner, child.id)).body).toEqual(child);
  });

  it('cannot be the parent of a new category, or of a moved one (422 naming parent_id)', async () => {
    const response = await t.api.post('/v1/categories', { name: uniqueName('Category'), parent_id: group.id }, { token: intruder });
    expectUnprocessable(response, { pointer: '#/parent_id', in: 'body', message: 'is not one of your categories' });

    const own = await createGroup(intruder);
    expectUnprocessable(await t.api.patch(`/v1/categories/${own.id}`, { parent_id: group.id }, { token: intruder }), { pointer: '#/parent_id' });
    expect((await listAll(owner, `parent_id=${group.id}`)).map((category) => category.id)).toEqual([child.id]);
  });

  it("never shows up in the other user's lists, whatever the filter", async () => {
    await createGroup(intruder);
    const seen = [
      ...(await listAll(intruder)),
      ...(await listAll(intruder, 'kind=expense')),
      ...(await listAll(intruder, 'archived=false')),
      ...(await listAll(intruder, `parent_id=${group.id}`)),
    ];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((category) => category.id)).not.toContain(child.id);
    expect(seen.map((category) => category.id)).not.toContain(group.id);
  });

  it("does not let another user's cursor reveal the owner's categories", async () => {
    await createChild(owner, group);
    const ownerPage = await t.api.get('/v1/categories?limit=1', { token: owner });
    expect(ownerPage.body.next_cursor).toEqual(expect.any(String));
    const response = await t.api.get(`/v1/categories?cursor=${ownerPage.body.next_cursor}`, { token: intruder });
    expect(response.status).toBe(200);
    const ownerIds = new Set((await listAll(owner)).map((category) => category.id));
    expect((response.body.data as Category[]).filter((category) => ownerIds.has(category.id))).toEqual([]);
  });
});

describe('authentication on every categories operation', () => {
  const someId = randomUUID();
  it.each([
    { method: 'GET', path: '/v1/categories', body: undefined },
    { method: 'POST', path: '/v1/categories', body: { name: 'x', kind: 'expense' } },
    { method: 'GET', path: `/v1/categories/${someId}`, body: undefined },
    { method: 'PATCH', path: `/v1/categories/${someId}`, body: { name: 'x' } },
    { method: 'DELETE', path: `/v1/categories/${someId}`, body: undefined },
  ] as const)('answers $method $path 401 without a token', async ({ method, path, body }) => {
    expectUnauthorized(await t.api.call(method, path, { body }));
  });
});

describe('seedDefaultCategories', () => {
  /** The taxonomy as comparable data: each group's name and kind, with its categories' names sorted. */
  function taxonomyOf(categories: Category[]) {
    const groups = categories.filter((category) => category.parent_id === null);
    return groups
      .map((group) => ({
        name: group.name,
        kind: group.kind,
        children: categories
          .filter((category) => category.parent_id === group.id)
          .map((category) => {
            expect(category.kind).toBe(group.kind);
            return category.name;
          })
          .sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
  const expected = defaultCategories
    .map((group) => ({ name: group.name, kind: group.kind, children: [...group.children].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));

  async function seed(userId: string): Promise<void> {
    await t.pool.transaction(async (db) => {
      await db.query(sql.typeAlias('void')`select set_config('app.user_id', ${userId}, true)`);
      await seedDefaultCategories(db, userId);
    });
  }

  it('gives a user the default taxonomy: every group with its kind and categories, nothing else', async () => {
    const user = await newUser();
    // Sign-up has already seeded the defaults; start from none so the seed itself is what is tested.
    await asOwner(t.database.url, 'delete from categories where user_id = $1', [user.id]);
    expect(await listAll(user.token)).toEqual([]);

    await seed(user.id);
    const categories = await listAll(user.token);
    expect(taxonomyOf(categories)).toEqual(expected);
    expect(categories).toHaveLength(defaultCategories.reduce((count, group) => count + 1 + group.children.length, 0));
    expect(categories.every((category) => !category.archived)).toBe(true);
    const transfers = categories.find((category) => category.name === transfersGroupName && category.parent_id === null);
    expect(transfers?.kind).toBe('transfer');
  });

  it("seeds one user without touching another's categories", async () => {
    const [first, second] = [await newUser(), await newUser()];
    await asOwner(t.database.url, 'delete from categories where user_id = any($1::uuid[])', [[first.id, second.id]]);
    const own = await createGroup(second.token, { name: 'Untouched' });

    await seed(first.id);
    expect(taxonomyOf(await listAll(first.token))).toEqual(expected);
    expect(await listAll(second.token)).toEqual([own]);
  });

  it('is what sign-up gives a new user: exactly the default taxonomy', async () => {
    const user = await newUser();
    expect(taxonomyOf(await listAll(user.token))).toEqual(expected);
  });

  it('has a well-formed taxonomy: unique names per group, valid lengths, a transfers group of kind transfer', () => {
    const lower = (name: string) => name.toLowerCase();
    expect(new Set(defaultCategories.map((group) => lower(group.name))).size).toBe(defaultCategories.length);
    for (const group of defaultCategories) {
      expect(new Set(group.children.map(lower)).size).toBe(group.children.length);
      for (const name of [group.name, ...group.children]) expect(name.length).toBeGreaterThan(0);
      for (const name of [group.name, ...group.children]) expect(name.length).toBeLessThanOrEqual(100);
    }
    expect(defaultCategories.find((group) => group.name === transfersGroupName)?.kind).toBe('transfer');
  });
});
