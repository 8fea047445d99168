import { fileURLToPath } from 'node:url';

// src/ and dist/ both sit one level below the project root, so this holds for both.
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export const paths = {
  bundledSpecJson: `${projectRoot}src/generated/openapi.json`,
  bundledSpecYaml: `${projectRoot}src/generated/openapi.yaml`,
  redocBundle: `${projectRoot}vendor/redoc/redoc.standalone.js`,
  browserArtifacts: `${projectRoot}.data/browser`,
  migrations: `${projectRoot}sql/migrations`,
  dataDir: `${projectRoot}.data`,
};
