// What the docs pages must show: the tags and operations of the bundled contract.
import { readFileSync } from 'node:fs';
import { paths } from '../../src/paths.ts';

export type ContractOperation = { method: string; path: string; operationId: string; tag: string; summary: string };

type Bundle = {
  tags: { name: string }[];
  paths: Record<string, Record<string, { operationId?: string; tags?: string[]; summary?: string }>>;
};

const bundle = JSON.parse(readFileSync(paths.bundledSpecJson, 'utf8')) as Bundle;

export const contractTags: string[] = bundle.tags.map((tag) => tag.name);

export const contractOperations: ContractOperation[] = Object.entries(bundle.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, operation]) => typeof operation === 'object' && operation.operationId !== undefined)
    .map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operationId: operation.operationId!,
      tag: operation.tags?.[0] ?? '',
      summary: operation.summary ?? '',
    })),
);

export const operationById = (operationId: string): ContractOperation => {
  const operation = contractOperations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`the contract has no operation ${operationId}`);
  return operation;
};

/** `METHOD path` lines, sorted: how the checks compare what a page shows with the contract. */
export const operationLines = (operations: { method: string; path: string }[]): string[] =>
  operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort();
