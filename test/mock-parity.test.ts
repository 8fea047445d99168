// Frontend teams build on the mock (npm run mock) before they touch the API, so the mock must answer
// like the API. The same requests go to both: for every operation of the contract a valid one, one
// with a value of the wrong type, one without credentials, one naming an id that does not exist and
// one with a body of the wrong media type (test/helpers/parity-cases.ts builds them from the
// contract, the error ones from the operation's own examples). Statuses, problem types, whole
// problems (request_id aside) and the headers clients rely on must agree.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { definition, operationCases, resolve } from './helpers/contract-cases.ts';
import { startMock, type MockServer } from './helpers/mock-server.ts';
import { headerShape, parityCases, problemBody, problemType, seedWorld, send, type Answer, type ParityCase } from './helpers/parity-cases.ts';

/**
 * Where the mock cannot answer like the API by its nature. (An unknown id is not among them: Prism
 * cannot know which ids exist, so that request asks it for the API's answer with `Prefer: code=404`.)
 */
const unknownParameter = 'Prism ignores query parameters an operation does not declare, which the API refuses (400); the probes declare none, so their only invalid request is an unknown parameter.';
const exclusions: Record<string, string> = {
  'getHealth invalid': unknownParameter,
  'getReadiness invalid': unknownParameter,
};

type Outcome = ParityCase & { api: Answer; mock: Answer };

let t: TestApp;
let mock: MockServer;
let outcomes: Outcome[] = [];

/** Runs `work` over `items`, a few at a time. */
async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  return results;
}

async function sendToBoth(parityCase: ParityCase): Promise<Outcome> {
  const [api, mocked] = await Promise.all([send(t.app, parityCase.call), send(mock.baseUrl, parityCase.call)]);
  return { ...parityCase, api, mock: mocked };
}

beforeAll(async () => {
  [t, mock] = await Promise.all([startTestApp(), startMock()]);
  const cases = parityCases(await seedWorld(t.api, t.app));
  // Valid requests one after another, in the contract's order (sign-up's example user is the
  // token example's); the failing ones change nothing and go a few at a time.
  const valid = cases.filter((parityCase) => parityCase.kind === 'valid');
  for (const parityCase of valid) outcomes.push(await sendToBoth(parityCase));
  outcomes.push(...(await inBatches(cases.filter((parityCase) => parityCase.kind !== 'valid'), 8, sendToBoth)));
}, 60_000);

afterAll(async () => {
  await Promise.all([mock?.stop(), t?.close()]);
}, 30_000);

const keyOf = (outcome: Outcome) => `${outcome.operationId} ${outcome.kind}`;
const included = () => outcomes.filter((outcome) => !(keyOf(outcome) in exclusions));
const describeAnswer = (answer: Answer) => `${answer.status} ${problemType(answer) ?? ''}`.trim();
const sameStatusAndType = (outcome: Outcome) =>
  outcome.api.status === outcome.mock.status && problemType(outcome.api) === problemType(outcome.mock);

describe('the contract', () => {
  it('declares X-Request-Id on every response of every operation, as the API sends it', () => {
    type Declared = { $ref?: string; headers?: Record<string, unknown> };
    const missing = operationCases.flatMap((operation) => {
      const { responses } = definition.paths[operation.template]![operation.method.toLowerCase()] as unknown as { responses: Record<string, Declared> };
      return Object.entries(responses)
        .filter(([, response]) => !('X-Request-Id' in (resolve(response).headers ?? {})))
        .map(([status]) => `${operation.operationId} ${status}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('the mock and the API, on the same requests', () => {
  it('are compared on every operation of the contract, each with a valid request', () => {
    const valid = new Set(outcomes.filter((outcome) => outcome.kind === 'valid').map((outcome) => outcome.operationId));
    expect(operationCases.map((operation) => operation.operationId).filter((id) => !valid.has(id))).toEqual([]);
    for (const kind of ['invalid', 'no auth', 'unknown id', 'wrong media type']) {
      expect(outcomes.filter((outcome) => outcome.kind === kind).length).toBeGreaterThan(10);
    }
  });

  it('answer with the same status and problem type', () => {
    const disagreements = included()
      .filter((outcome) => !sameStatusAndType(outcome))
      .map((outcome) => `${keyOf(outcome)}: API ${describeAnswer(outcome.api)}, mock ${describeAnswer(outcome.mock)}`);
    expect(disagreements).toEqual([]);
  });

  it('answer errors with the same problem, request_id aside (the examples are true)', () => {
    const differences = included()
      .filter((outcome) => outcome.api.status >= 400)
      .filter((outcome) => JSON.stringify(problemBody(outcome.api)) !== JSON.stringify(problemBody(outcome.mock)))
      .map((outcome) => ({ case: keyOf(outcome), api: problemBody(outcome.api), mock: problemBody(outcome.mock) }));
    expect(differences).toEqual([]);
  });

  it('send the same headers: X-Request-Id always, WWW-Authenticate, Location, ETag, and no Idempotent-Replayed on a first create', () => {
    const differences = included()
      .filter((outcome) => JSON.stringify(headerShape(outcome.api)) !== JSON.stringify(headerShape(outcome.mock)))
      .map((outcome) => ({ case: keyOf(outcome), api: headerShape(outcome.api), mock: headerShape(outcome.mock) }));
    expect(differences).toEqual([]);
  });

  it('still differ where an exclusion says they must (else the exclusion is stale)', () => {
    const excluded = outcomes.filter((outcome) => keyOf(outcome) in exclusions);
    expect(excluded.map(keyOf).sort()).toEqual(Object.keys(exclusions).sort());
    expect(excluded.filter(sameStatusAndType).map(keyOf)).toEqual([]);
  });
});
