import { existsSync, readFileSync } from 'node:fs';
import { Router } from 'express';
import type { Document } from 'openapi-backend';
import swaggerUi from 'swagger-ui-express';
import { paths } from '../paths.ts';
import { problems } from './problems.ts';

/** The contract and its two renderings: Swagger UI at /docs, Redoc at /reference. */
export function docsRouter(definition: Document): Router {
  const router = Router();
  const yaml = readFileSync(paths.bundledSpecYaml, 'utf8');
  router.get('/openapi.json', (_request, response) => {
    response.json(definition);
  });
  router.get('/openapi.yaml', (_request, response) => {
    response.type('application/yaml').send(yaml);
  });
  router.use('/docs', swaggerUi.serve);
  router.get('/docs', swaggerUi.setup(definition as object, { customSiteTitle: 'SpendSense API — Swagger UI' }));
  router.get('/reference', (_request, response, next) => {
    // Built by `npm run build:reference` (part of `npm run build` and `npm start`).
    if (!existsSync(paths.referenceHtml)) {
      next(problems.serviceUnavailable('The reference has not been built; run `npm run build:reference`.'));
      return;
    }
    response.sendFile(paths.referenceHtml);
  });
  return router;
}
