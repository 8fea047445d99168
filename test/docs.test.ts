import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { paths } from '../src/paths.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const bundled = JSON.parse(readFileSync(paths.bundledSpecJson, 'utf8')) as { openapi: string; paths: Record<string, unknown> };

describe('GET /openapi.json', () => {
  it('serves the bundled OpenAPI 3.1 contract with every path', async () => {
    const response = await request(t.app).get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.info.title).toBe('SpendSense API');
    expect(Object.keys(response.body.paths).sort()).toEqual(Object.keys(bundled.paths).sort());
    expect(response.body.paths).toHaveProperty(['/v1/accounts', 'get', 'operationId'], 'listAccounts');
  });
});

describe('GET /openapi.yaml', () => {
  it('serves the same contract as YAML', async () => {
    const response = await request(t.app).get('/openapi.yaml');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/yaml/);
    expect(response.text.startsWith('openapi: 3.1.0\n')).toBe(true);
    expect(response.text).toBe(readFileSync(paths.bundledSpecYaml, 'utf8'));
  });
});

describe('GET /docs', () => {
  it('serves Swagger UI at /docs/', async () => {
    const response = await request(t.app).get('/docs/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('swagger-ui');
    expect(response.text).toContain('<title>SpendSense API — Swagger UI</title>');
  });

  it("redirects /docs to /docs/, where the page's relative script paths resolve", async () => {
    const response = await request(t.app).get('/docs');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/docs/');
  });

  it('serves the Swagger UI scripts the page loads', async () => {
    const page = await request(t.app).get('/docs/');
    const scripts = [...page.text.matchAll(/<script src="\.\/([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts).toEqual(expect.arrayContaining(['swagger-ui-bundle.js', 'swagger-ui-init.js']));
    for (const script of scripts) {
      const response = await request(t.app).get(`/docs/${script}`);
      expect([script, response.status]).toEqual([script, 200]);
      expect(response.headers['content-type']).toMatch(/javascript/);
    }
  });

  it('gives Swagger UI the contract to render', async () => {
    const init = await request(t.app).get('/docs/swagger-ui-init.js');
    expect(init.text).toContain('"openapi": "3.1.0"');
    expect(init.text).toContain('/v1/accounts');
  });
});

describe('GET /reference', () => {
  it('serves the Redoc reference page for the SpendSense API', async () => {
    const response = await request(t.app).get('/reference');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<title>SpendSense API</title>');
    expect(response.text).toMatch(/redoc/i);
  });
});
