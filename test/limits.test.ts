// src/limits.ts states the limits code enforces; the contract states them to clients. Both must agree.
import { describe, expect, it } from '@jest/globals';
import { ledgerDates, maxJsonBodyBytes, maxStatementBytes, mebibytes, transactionTextLimits } from '../src/limits.ts';
import { definition, resolve } from './helpers/contract-cases.ts';

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

  it('state the body limits the 413 answer names', () => {
    const tooLarge = (definition as unknown as { components: { responses: Record<string, { description: string }> } }).components.responses.PayloadTooLarge!.description;
    expect(tooLarge).toContain(`${mebibytes(maxJsonBodyBytes)} for JSON`);
    expect(tooLarge).toContain(`${mebibytes(maxStatementBytes)} for statement files`);
  });
});
