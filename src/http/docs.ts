import { readFileSync } from 'node:fs';
import { Router } from 'express';
import swaggerUi, { type SwaggerUiOptions } from 'swagger-ui-express';
import { paths } from '../paths.ts';
import { referenceRouter } from './docs-reference.ts';

const specUrl = '/openapi.json';

// Swagger UI fetches the spec by URL (a 2 MB inlined copy made /docs slow to first paint); its
// `servers` entry `/` then resolves against this page's origin, whatever the host and port.
const swaggerUiOptions: SwaggerUiOptions = {
  customSiteTitle: 'SpendSense API — Swagger UI',
  swaggerUrl: specUrl,
  swaggerOptions: {
    persistAuthorization: true,
    displayRequestDuration: true,
    // The default sends the spec's URL to validator.swagger.io for a badge: nothing leaves this origin.
    validatorUrl: 'none',
  },
};

/**
 * The contract as bundled by `npm run gen` (named components, `$ref`s), in both encodings, and its
 * two renderings: Swagger UI at /docs, Redoc at /reference. Everything is served from this
 * process: the pages work offline.
 */
export function docsRouter(): Router {
  const router = Router();
  const json = readFileSync(paths.bundledSpecJson, 'utf8');
  const yaml = readFileSync(paths.bundledSpecYaml, 'utf8');
  router.get(specUrl, (_request, response) => {
    response.type('application/json').send(json);
  });
  router.get('/openapi.yaml', (_request, response) => {
    response.type('application/yaml').send(yaml);
  });
  router.use('/docs', swaggerUi.serveFiles(undefined, swaggerUiOptions));
  router.get('/docs', swaggerUi.setup(undefined, swaggerUiOptions));
  router.use(referenceRouter({ title: 'SpendSense API', specUrl }));
  return router;
}
