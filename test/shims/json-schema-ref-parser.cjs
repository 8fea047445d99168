// openapi-backend (CommonJS) require()s @apidevtools/json-schema-ref-parser, which is ESM-only and
// relies on Node's require(esm). Jest's module registry cannot require ESM (jestjs/jest#15716),
// so this shim hands the request to Node's own require: the same library, loaded natively.
const { createRequire } = process.getBuiltinModule('node:module');
module.exports = createRequire(__filename)('@apidevtools/json-schema-ref-parser');
