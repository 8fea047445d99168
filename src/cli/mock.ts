// `npm run mock`: Prism serving the contract (same arguments as `prism mock`), with two choices
// made the API's own, by patching Prism's response negotiator before its CLI starts.
//
// 1. A request that fails validation: Prism answers the operation's 422 when it declares one and
//    400 only otherwise (the list [422, 400] is hard-coded in @stoplight/prism-http,
//    src/mocker/index.ts getExpectedCodesForViolations, still so in Prism 5.x; its docs,
//    guides/02-request-validation.md, say the same). No spec construct changes that. The API
//    answers every contract violation 400 and keeps 422 for semantic failures, so here 400 comes first.
// 2. The mock never replays a request, so it never says `Idempotent-Replayed` (the API leaves the
//    header out of a first answer; Prism would send the header's example on every create).
import { createRequire } from 'node:module';

type HttpHeader = { name: string };
type HttpResponse = { code: string; headers?: HttpHeader[] };
type HttpOperation = { responses: HttpResponse[] };
type Negotiator = {
  negotiateOptionsForInvalidRequest: (responses: HttpResponse[], codes: number[], exampleKey?: string) => unknown;
  negotiateOptionsForValidRequest: (operation: HttpOperation, options: unknown) => unknown;
};

const require = createRequire(import.meta.url);
const negotiator = (require('@stoplight/prism-http/dist/mocker/negotiator/NegotiatorHelpers.js') as { default: Negotiator }).default;
if (typeof negotiator?.negotiateOptionsForInvalidRequest !== 'function' || typeof negotiator.negotiateOptionsForValidRequest !== 'function') {
  throw new Error('@stoplight/prism-http changed its negotiator; revisit src/cli/mock.ts');
}

/** Prism's order with 400 and 422 swapped: [422, 400] → [400, 422], [415, 422, 400] → [415, 400, 422]. */
function apiOrder(codes: number[]): number[] {
  return codes.map((code) => (code === 422 ? 400 : code === 400 ? 422 : code));
}

const negotiateInvalid = negotiator.negotiateOptionsForInvalidRequest;
negotiator.negotiateOptionsForInvalidRequest = (responses, codes, exampleKey) => negotiateInvalid(responses, apiOrder(codes), exampleKey);

const negotiateValid = negotiator.negotiateOptionsForValidRequest;
const withoutReplayHeader = (response: HttpResponse): HttpResponse =>
  response.headers ? { ...response, headers: response.headers.filter((header) => header.name.toLowerCase() !== 'idempotent-replayed') } : response;
negotiator.negotiateOptionsForValidRequest = (operation, options) =>
  negotiateValid({ ...operation, responses: operation.responses.map(withoutReplayHeader) }, options);

// In --multiprocess mode Prism forks this script again with the arguments it already has.
if (process.argv[2] !== 'mock') process.argv.splice(2, 0, 'mock');
require('@stoplight/prism-cli/dist/index.js');
