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
    expect(idempotent).toEqual(['createAccount', 'createBudget', 'createCategory', 'createImport', 'createTransaction', 'createTransactionBatch', 'createTransfer']);
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
