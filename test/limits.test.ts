// src/limits.ts states the limits code enforces; the contract states them to clients. Both must agree.
import { describe, expect, it } from '@jest/globals';
import { ledgerDates, maxJsonBodyBytes, maxStatementBytes, mebibytes, transactionTextLimits } from '../src/limits.ts';
import { definition, operationCases, resolve } from './helpers/contract-cases.ts';

const schema = (name: string) => resolve(definition.components.schemas[name]!) as { maxLength?: number; description?: string };

describe('limits', () => {
  it('cap transaction texts at the lengths the contract states', () => {
    expect({
      description: schema('Description').maxLength,
      merchant: schema('Merchant').maxLength,
      notes: schema('Notes').maxLength,
      externalId: schema('ExternalId').maxLength,
    }).toEqual(transactionTextLimits);
  });

  it('state the ledger dates the Date schema describes', () => {
    const description = schema('Date').description ?? '';
    expect(description).toContain(ledgerDates.earliest);
    expect(description).toContain(ledgerDates.latest);
  });

  it('state the body limit in every 413 answer: 1 MiB for JSON, 20 MiB for statement files', () => {
    const unnamed = operationCases.filter((operation) => operation.body).filter((operation) => {
      const tooLarge = (definition.paths[operation.template]![operation.method.toLowerCase()] as { responses: Record<string, { description: string }> }).responses['413'];
      const limit = mebibytes(operation.body!.mediaType === 'multipart/form-data' ? maxStatementBytes : maxJsonBodyBytes);
      return !tooLarge?.description.includes(limit);
    });
    expect(unnamed.map((operation) => operation.operationId)).toEqual([]);
  });
});
