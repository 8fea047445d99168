// precompileRouting swaps openapi-backend's router.matchOperation for a precompiled one; the
// library's own matcher is the specification it must keep, so both answer every path generated
// from the contract, for every method, and must answer alike.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenAPIBackend, Operation } from 'openapi-backend';
import { createContractBackend, loadContract, precompileRouting } from '../src/http/contract.ts';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** How the app calls the matcher: strict (dispatch, 404/405 thrown) and without it (middleware, undefined on a miss). */
const modes = { strict: [true], 'strict false': [false], 'no strict argument': [] } as const;
type Mode = keyof typeof modes;

const templates = Object.keys(loadContract().paths ?? {});

/** Every literal segment of the contract, so a parameter also meets the words of its sibling routes (batch, export, status …). */
const contractWords = [...new Set(templates.flatMap((template) => template.split('/')).filter((part) => part !== '' && !part.includes('{')))];

/** What a parameter segment is filled with: ids, the contract's words, encodings, and the template text itself. */
const segmentValues = [
  '3f1c2e4a-9b7d-4c21-8e5f-0a1b2c3d4e5f',
  '3F1C2E4A-9B7D-4C21-8E5F-0A1B2C3D4E5F',
  '42',
  'not-an-id',
  'a%2Fb',
  '%7Bid%7D',
  'caf%C3%A9',
  '%20',
  '{id}',
  ...contractWords,
];

/** The values a filled template is also reshaped around: every value in every shape would cost the library's matcher (slow by design, see precompileRouting) tens of seconds. */
const reshapedValues = ['3f1c2e4a-9b7d-4c21-8e5f-0a1b2c3d4e5f', 'status', 'a%2Fb'];

const fill = (template: string, value: string) => template.replace(/\{[^}]+\}/g, value);

/** Paths near a concrete one: slashes, segments, case, encodings, query strings and whitespace changed. */
function variantsOf(path: string): string[] {
  const segments = path.split('/').slice(1);
  const doubledSlashes = segments.map((_, index) => `/${segments.slice(0, index).join('/')}${index ? '/' : ''}/${segments.slice(index).join('/')}`);
  const missingSegments = segments.map((_, index) => `/${segments.filter((__, other) => other !== index).join('/')}`);
  const lastSlash = path.lastIndexOf('/');
  return [
    path,
    `${path}/`,
    `${path}//`,
    `/${path}`,
    ...doubledSlashes,
    ...missingSegments,
    `${path}/extra`,
    `${path}/3f1c2e4a-9b7d-4c21-8e5f-0a1b2c3d4e5f`,
    path.toUpperCase(),
    path.replace(/\/(\w)/g, (_, letter: string) => `/${letter.toUpperCase()}`),
    `${path}?limit=5&cursor=abc`,
    `${path}/?limit=5`,
    `${path}?`,
    path.slice(1),
    ` ${path} `,
    `${path.slice(0, lastSlash)}%2F${path.slice(lastSlash + 1)}`,
    `${path}.json`,
  ];
}

/** Every request path the test puts to both matchers for one template. */
function pathsFor(template: string): string[] {
  if (!template.includes('{')) return [...new Set(variantsOf(template))];
  const plain = segmentValues.flatMap((value) => [fill(template, value), `${fill(template, value)}/`]);
  const reshaped = reshapedValues.flatMap((value) => variantsOf(fill(template, value)));
  return [...new Set([...plain, ...reshaped])];
}

/** A matcher's answer as comparable text: the operationId, `none`, or the error it threw. */
function answerOf(api: OpenAPIBackend, method: string, path: string, mode: Mode): string {
  try {
    const match = (api.router.matchOperation as (request: object, strict?: boolean) => Operation | undefined)(
      { method, path, headers: {} },
      ...modes[mode],
    );
    return match?.operationId ?? 'none';
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

function answersFor(api: OpenAPIBackend, template: string, mode: Mode): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const path of pathsFor(template)) {
    for (const method of methods) answers[`${method} ${JSON.stringify(path)}`] = answerOf(api, method, path, mode);
  }
  return answers;
}

const library = createContractBackend(loadContract());
const precompiled = createContractBackend(loadContract());
beforeAll(async () => {
  await Promise.all([library.init(), precompiled.init()]);
  precompileRouting(precompiled);
});

describe('precompileRouting', () => {
  it('is the matcher under test: the precompiled backend no longer runs the library method', () => {
    expect(precompiled.router.matchOperation).not.toBe(library.router.matchOperation);
    expect(library.router.matchOperation).toBe(Object.getPrototypeOf(library.router).matchOperation);
  });

  it('reaches every operation of the contract with its own template filled with an id', () => {
    for (const operation of library.getOperations()) {
      const path = fill(operation.path, segmentValues[0]!);
      expect({ path, match: answerOf(library, operation.method.toUpperCase(), path, 'strict') }).toEqual({ path, match: operation.operationId });
      expect({ path, match: answerOf(precompiled, operation.method.toUpperCase(), path, 'strict') }).toEqual({ path, match: operation.operationId });
    }
  });

  it('puts paths to the matchers that the library routes, answers 404 and answers 405', () => {
    const answers = new Set(templates.flatMap((template) => Object.values(answersFor(library, template, 'strict'))));
    expect([...answers].filter((answer) => answer.startsWith('throws ')).sort()).toEqual([
      'throws 404-notFound: no route matches request',
      'throws 405-methodNotAllowed: this method is not registered for the route',
    ]);
    expect(answers.size - 2).toBe(library.getOperations().length);
  });

  describe.each(Object.keys(modes) as Mode[])('called with %s', (mode) => {
    it.each(templates)('matches what the library matches for every method on paths around %s', (template) => {
      expect(answersFor(precompiled, template, mode)).toEqual(answersFor(library, template, mode));
    });
  });
});
