import { readFileSync } from 'node:fs';
import type { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, OpenAPIValidator, type Document } from 'openapi-backend';
import { isLedgerDate } from '../limits.ts';
import { paths } from '../paths.ts';

/**
 * openapi-backend checks the document against the OpenAPI 3.0 meta-schema only, which rejects
 * valid 3.1 (`examples`, `const`, type arrays). The contract is validated by `redocly lint` in CI
 * instead; everything else (routing, request and response validation, strict fail-closed
 * handling) is openapi-backend's own.
 */
class OpenAPI31Backend extends OpenAPIBackend {
  override validateDefinition() {
    return this.document;
  }

  /**
   * The request validators are compiled at start-up; the response validators (only development
   * and tests check answers) on an operation's first checked answer. Compiling all ~1,900 up front
   * was 1.5 s of a 2.1 s start-up. (openapi-backend's `quick` mode would do this too, but its
   * synchronous dereferencing drops the keywords beside a `$ref`, defaults among them.)
   */
  override async init() {
    const validate = this.validate;
    this.validate = false;
    await super.init();
    this.validate = validate;
    this.validator = new OpenAPIValidator({
      definition: this.definition,
      ajvOpts: this.ajvOpts,
      customizeAjv: this.customizeAjv,
      router: this.router,
      coerceTypes: this.coerceTypes,
      lazyCompileValidators: true,
    });
    this.validator.preCompileRequestValidators();
    return this;
  }
}

export function loadContract(): Document {
  return JSON.parse(readFileSync(paths.bundledSpecJson, 'utf8')) as Document;
}

/** What the contract says about how each operation runs. */
export type OperationFacts = {
  /** `security: []`: callable without credentials. */
  public: boolean;
  /** Declares the `Idempotency-Key` header: a create whose answer is stored under the key. */
  idempotent: boolean;
};

type Parameter = { $ref?: string; name?: string; in?: string };

export function operationFacts(definition: Document): Map<string, OperationFacts> {
  const components = (definition.components?.parameters ?? {}) as Record<string, Parameter>;
  const resolve = (parameter: Parameter) =>
    parameter.$ref ? components[parameter.$ref.replace('#/components/parameters/', '')] ?? parameter : parameter;
  const facts = new Map<string, OperationFacts>();
  for (const pathItem of Object.values(definition.paths ?? {})) {
    const shared = ((pathItem as { parameters?: Parameter[] }).parameters ?? []).map(resolve);
    for (const operation of Object.values(pathItem ?? {})) {
      if (!operation || typeof operation !== 'object' || !('operationId' in operation)) continue;
      const parameters = [...shared, ...((operation.parameters ?? []) as Parameter[]).map(resolve)];
      facts.set(String(operation.operationId), {
        public: Array.isArray(operation.security) && operation.security.length === 0,
        idempotent: parameters.some((parameter) => parameter.in === 'header' && parameter.name?.toLowerCase() === 'idempotency-key'),
      });
    }
  }
  return facts;
}

/** Our formats on top of ajv-formats': the checks every validator of the contract shares. */
function withFormats(ajv: Ajv): Ajv {
  // Full format checks: 2026-02-30 is not a date, "abc" is not a uuid.
  addFormats.default(ajv, { mode: 'full' });
  // ajv-formats also takes `urn:uuid:…`; ids here are the plain 36-character form only.
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  // Calendar dates are real days within the ledger's range (the Date schema), never a year
  // PostgreSQL cannot hold (it has no year 0).
  ajv.addFormat('date', (value: string) => isLedgerDate(value));
  return ajv;
}

/**
 * openapi-backend makes a new Ajv for every schema it compiles (~170 request validators, ~1,900
 * response ones), and each compiles the JSON Schema meta-schema again. One Ajv per set of options
 * compiles every validator of the contract instead: the contract's schemas have no `$id`, so
 * nothing in one collides with another.
 */
function sharedAjv(): (fresh: Ajv, options: object) => Ajv {
  const byOptions = new Map<string, Ajv>();
  return (fresh, options) => {
    const key = JSON.stringify(options);
    let ajv = byOptions.get(key);
    if (!ajv) byOptions.set(key, (ajv = withFormats(fresh)));
    return ajv;
  };
}

/** The contract as an openapi-backend: the app routes and validates with it, tests check answers with it. */
export function createContractBackend(definition: Document): OpenAPIBackend {
  return new OpenAPI31Backend({
    definition,
    strict: true,
    validate: true,
    coerceTypes: true,
    ajvOpts: { allErrors: true, useDefaults: true },
    customizeAjv: sharedAjv(),
  });
}

/**
 * openapi-backend's router rebuilds its list of operations, and a RegExp per path template, on
 * every request (8 % of a request's CPU in the benchmark profile). The document never changes
 * after start-up, so both are computed once here. Matching keeps the router's rules: the exact
 * path first, else the most specific template with the method; misses go to the original, which
 * raises its own 404 or 405.
 */
export function precompileRouting(api: OpenAPIBackend): void {
  const router = api.router;
  const operations = router.getOperations();
  router.getOperations = () => operations;
  const exact = new Map(operations.map((operation) => [`${operation.method} ${operation.path}`, operation]));
  const templates = operations
    .filter((operation) => operation.path.includes('{'))
    .map((operation) => ({
      operation,
      pattern: new RegExp(`^${operation.path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`),
      specificity: operation.path.replace(/\{.*?\}/g, '').length,
    }))
    .sort((a, b) => b.specificity - a.specificity);
  const original = router.matchOperation.bind(router);
  router.matchOperation = ((request: Parameters<typeof original>[0], strict?: boolean) => {
    const normalized = router.normalizeRequest(request);
    const path = router.normalizePath(normalized.path);
    const hit = exact.get(`${normalized.method} ${path}`);
    if (hit) return hit;
    for (const { operation, pattern } of templates) {
      if (operation.method === normalized.method && pattern.test(path)) return operation;
    }
    return strict ? original(request, true) : original(request);
  }) as typeof router.matchOperation;
}
