// Requests generated from the contract, the way a schema fuzzer builds them: every operation, its
// parameters and the fields of its body, read from the bundled document rather than listed by hand.
import { loadContract } from '../../src/http/contract.ts';

type Schema = {
  $ref?: string; type?: string | string[]; format?: string; enum?: unknown[]; const?: unknown;
  properties?: Record<string, Schema>; items?: Schema; required?: string[];
  allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[];
  minimum?: number; maximum?: number; minLength?: number; maxLength?: number; default?: unknown; examples?: unknown[];
};
type Parameter = { $ref?: string; name: string; in: string; required?: boolean; schema?: Schema };

export const definition = loadContract() as unknown as {
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Parameter> };
};

export function resolve<T extends { $ref?: string }>(node: T): T {
  let current = node;
  while (current.$ref) {
    const [, , kind, name] = current.$ref.split('/');
    current = { ...(definition.components as unknown as Record<string, Record<string, T>>)[kind!]![name!]!, ...omitRef(current) };
  }
  return current;
}
function omitRef<T extends { $ref?: string }>(node: T): Omit<T, '$ref'> {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

/** A schema with allOf merged and refs resolved (oneOf/anyOf: the first branch). */
export function flatten(node: Schema): Schema {
  const schema = resolve(node);
  const branches = [...(schema.allOf ?? []), ...(schema.oneOf?.slice(0, 1) ?? []), ...(schema.anyOf?.slice(0, 1) ?? [])].map(flatten);
  if (!branches.length) return schema;
  return branches.reduce<Schema>((merged, branch) => ({
    ...merged, ...branch,
    properties: { ...merged.properties, ...branch.properties },
    required: [...(merged.required ?? []), ...(branch.required ?? [])],
  }), { ...schema, allOf: undefined, oneOf: undefined, anyOf: undefined });
}

export function typeOf(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return type ?? (schema.properties ? 'object' : schema.enum ? typeof schema.enum[0] : undefined);
}

export type OperationCase = {
  operationId: string; method: string; template: string; isPublic: boolean;
  parameters: Parameter[]; body?: { mediaType: string; schema: Schema };
};

export const operationCases: OperationCase[] = Object.entries(definition.paths).flatMap(([template, item]) =>
  Object.entries(item).filter(([, op]) => op && typeof op === 'object' && op.operationId).map(([method, op]) => {
    const content = op.requestBody?.content ?? {};
    const mediaType = Object.keys(content)[0];
    return {
      operationId: op.operationId!, method: method.toUpperCase(), template,
      isPublic: Array.isArray(op.security) && op.security.length === 0,
      parameters: (op.parameters ?? []).map(resolve),
      ...(mediaType ? { body: { mediaType, schema: flatten(content[mediaType]!.schema ?? {}) } } : {}),
    };
  }));

/** Every string a body can carry, as the JSON pointer of its place and a body holding only it. */
export function stringPlaces(schema: Schema, pointer = '#', depth = 0): { pointer: string; build: (text: string) => unknown }[] {
  const flat = flatten(schema);
  const type = typeOf(flat);
  if (depth > 4) return [];
  if (type === 'string') return [{ pointer, build: (text) => text }];
  if (type === 'array' && flat.items) {
    return stringPlaces(flat.items, `${pointer}/0`, depth + 1).map((place) => ({ pointer: place.pointer, build: (text) => [place.build(text)] }));
  }
  if (type === 'object' && flat.properties) {
    return Object.entries(flat.properties).flatMap(([name, member]) =>
      stringPlaces(member, `${pointer}/${name}`, depth + 1).map((place) => ({ pointer: place.pointer, build: (text) => ({ [name]: place.build(text) }) })));
  }
  return [];
}

/** A value the schema accepts, good enough to get a request past validation (ids from `ids`). */
export function sampleOf(node: Schema, name: string, ids: Record<string, string>, depth = 0): unknown {
  const schema = flatten(node);
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum.find((value) => value !== null);
  switch (typeOf(schema)) {
    case 'integer': case 'number': return Math.max(schema.minimum ?? 1, Math.min(1, schema.maximum ?? 1));
    case 'boolean': return false;
    case 'array': return schema.items && depth < 3 ? [sampleOf(schema.items, name, ids, depth + 1)] : [];
    case 'object': return Object.fromEntries((schema.required ?? []).map((key) => [key, sampleOf(schema.properties?.[key] ?? {}, key, ids, depth + 1)]));
    default: break;
  }
  if (schema.format === 'uuid') return ids[name] ?? ids.default;
  if (schema.format === 'date') return '2026-03-15';
  if (schema.format === 'date-time') return '2027-03-15T00:00:00Z';
  if (schema.format === 'email') return `fuzz-${Math.random().toString(36).slice(2)}@example.com`;
  if (/currency/.test(name)) return 'USD';
  if (/month|from|to|as_of/.test(name)) return '2026-03';
  return 'x'.repeat(Math.max(schema.minLength ?? 1, /password/.test(name) ? 12 : 1));
}

/** A concrete path for a template, every `{param}` filled by `fill`. */
export function pathOf(template: string, fill: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(fill(name)));
}
