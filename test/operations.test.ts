import { describe, expect, it } from '@jest/globals';
import { createContractBackend, loadContract, operationFacts } from '../src/http/contract.ts';
import { dispatch } from '../src/http/dispatch.ts';
import { operations } from '../src/operations.ts';
import type { AppServices } from '../src/services.ts';
import { testConfig } from './helpers/app.ts';

const definition = loadContract();
const facts = operationFacts(definition);
const methodOf = new Map<string, string>();
for (const pathItem of Object.values(definition.paths ?? {})) {
  for (const [method, operation] of Object.entries(pathItem ?? {})) {
    if (operation && typeof operation === 'object' && 'operationId' in operation) methodOf.set(String(operation.operationId), method);
  }
}

describe('the operation tables', () => {
  it('hold exactly the operations of the contract', () => {
    expect(Object.keys(operations).sort()).toEqual([...facts.keys()].sort());
  });

  it('read with GET and change with every other method', () => {
    for (const [operationId, entry] of Object.entries(operations)) {
      if (entry.access === 'public') continue;
      expect(`${operationId} ${entry.access}`).toBe(`${operationId} ${methodOf.get(operationId) === 'get' ? 'read' : 'write'}`);
    }
  });

  it('call public exactly what the contract calls public (security: [])', () => {
    const publicByTable = Object.entries(operations).filter(([, entry]) => entry.access === 'public').map(([id]) => id);
    const publicByContract = [...facts].filter(([, fact]) => fact.public).map(([id]) => id);
    expect(publicByTable.sort()).toEqual(publicByContract.sort());
  });

  it('read idempotency from the contract: every creating POST that declares Idempotency-Key, nothing else', () => {
    const idempotent = [...facts].filter(([, fact]) => fact.idempotent).map(([id]) => id).sort();
    expect(idempotent).toEqual(['createAccount', 'createBudget', 'createCategory', 'createImport', 'createRule', 'createTransaction', 'createTransactionBatch', 'createTransfer']);
  });
});

describe('dispatch', () => {
  const handlerFor = dispatch(createContractBackend(definition), { config: testConfig } as AppServices, facts);

  it('refuses at start-up an entry whose access disagrees with the contract', () => {
    expect(() => handlerFor('getMe', { ...operations.getMe, access: 'public' } as never)).toThrow(/contract says authenticated/);
    expect(() => handlerFor('createToken', { ...operations.createToken, access: 'write' } as never)).toThrow(/contract says public/);
  });

  it('refuses an operation the contract does not have', () => {
    expect(() => handlerFor('noSuchOperation' as never, operations.getMe as never)).toThrow(/not an operation of the contract/);
  });
});

describe('statuses the shared machinery can answer', () => {
  const responsesOf = new Map<string, Record<string, unknown>>();
  for (const pathItem of Object.values(definition.paths ?? {})) {
    for (const operation of Object.values(pathItem ?? {})) {
      if (operation && typeof operation === 'object' && 'operationId' in operation) {
        responsesOf.set(String(operation.operationId), (operation as { responses?: Record<string, unknown> }).responses ?? {});
      }
    }
  }
  const missing = (operationId: string, statuses: string[]) => statuses.filter((status) => !(status in responsesOf.get(operationId)!));

  it('are declared: 401 by every authenticated operation, 409 and 422 by every one that stores an Idempotency-Key', () => {
    const gaps: string[] = [];
    for (const [operationId, fact] of facts) {
      const needed = [...(fact.public ? [] : ['401']), ...(fact.idempotent ? ['409', '422'] : [])];
      const absent = missing(operationId, needed);
      if (absent.length) gaps.push(`${operationId}: ${absent.join(', ')}`);
    }
    expect(gaps).toEqual([]);
  });
});

describe('caching', () => {
  it('lets no cache keep any /v1 answer: secrets, personal data and errors alike', async () => {
    const { startTestApp } = await import('./helpers/app.ts');
    const t = await startTestApp();
    try {
      const signup = await t.api.post('/v1/auth/signup', { email: `cache-${Date.now()}@example.com`, password: 'correct horse battery' });
      const token = signup.body.access_token as string;
      const key = await t.api.post('/v1/api-keys', { name: 'cache test' }, { token });
      const me = await t.api.get('/v1/me', { token });
      const unauthorized = await t.api.get('/v1/me');
      for (const response of [signup, key, me, unauthorized]) expect(response.headers['cache-control']).toBe('no-store');
    } finally {
      await t.close();
    }
  });
});
