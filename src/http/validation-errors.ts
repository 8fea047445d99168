import type { ErrorObject } from 'ajv';
import type { FieldError } from './problems.ts';

const locations = { requestBody: 'body', query: 'query', path: 'path', header: 'header' } as const;

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a known property';
    case 'required':
      return 'is required';
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      return allowed.length <= 12 ? `must be one of: ${allowed.join(', ')}` : 'is not one of the allowed values';
    }
    case 'format':
      return `must be a valid ${String(params.format)}`;
    case 'parse':
      return `is not valid JSON: ${error.message ?? ''}`.trim();
    default:
      return error.message ?? 'is invalid';
  }
}

/**
 * Turns ajv's errors (as openapi-backend reports them: instancePath /requestBody/…, /query/…,
 * /path/…, /header/…) into the API's field errors: a JSON Pointer into the body, or a named
 * parameter.
 */
export function fieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    const segments = error.instancePath.split('/').slice(1);
    const extra = (params.additionalProperty ?? params.missingProperty) as string | undefined;
    if (extra !== undefined) segments.push(extra.replaceAll('~', '~0').replaceAll('/', '~1'));
    const [root, ...rest] = segments;
    let field: FieldError;
    if (root === undefined || root === 'requestBody') {
      const message = root === undefined && error.keyword === 'required' ? 'a JSON request body is required' : describe(error);
      field = { pointer: `#${rest.length ? `/${rest.join('/')}` : ''}`, in: 'body', message };
    } else {
      const location = locations[root as keyof typeof locations] ?? 'query';
      const name = rest[0] ?? '';
      field = {
        parameter: name,
        in: location,
        message: error.keyword === 'additionalProperties' ? 'is not a known parameter' : describe(error),
      };
    }
    const key = JSON.stringify(field);
    if (!seen.has(key)) {
      seen.add(key);
      result.push(field);
    }
  }
  return result;
}
