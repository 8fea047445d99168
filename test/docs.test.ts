import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { withLocalImages } from '../src/http/docs-reference.ts';
import { paths } from '../src/paths.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const bundledText = readFileSync(paths.bundledSpecJson, 'utf8');
const bundled = JSON.parse(bundledText) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };

/** The `src` of every <script> on a page. */
const scriptSources = (html: string) => [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);

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

  it('is the bundle file itself, $refs and named components kept, not a dereferenced copy', async () => {
    const response = await request(t.app).get('/openapi.json');
    expect(response.text).toBe(bundledText);
    expect(response.text).toContain('"$ref": "#/components/schemas/');
    expect(response.body.components.schemas).toHaveProperty('Account');
    expect(response.body.components.schemas).toHaveProperty('Problem');
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

  it('serves the Swagger UI scripts the page loads, all from this server', async () => {
    const page = await request(t.app).get('/docs/');
    const scripts = scriptSources(page.text);
    expect(scripts).toEqual(expect.arrayContaining(['./swagger-ui-bundle.js', './swagger-ui-init.js']));
    for (const script of scripts) {
      expect(script).toMatch(/^\.\//);
      const response = await request(t.app).get(`/docs/${script.slice(2)}`);
      expect([script, response.status]).toEqual([script, 200]);
      expect(response.headers['content-type']).toMatch(/javascript/);
    }
  });

  it('points Swagger UI at /openapi.json instead of inlining the contract', async () => {
    const page = await request(t.app).get('/docs/');
    const init = await request(t.app).get('/docs/swagger-ui-init.js');
    expect(init.text).toContain('"swaggerUrl": "/openapi.json"');
    expect(`${page.text}${init.text}`).not.toContain('"openapi"');
    expect(`${page.text}${init.text}`).not.toContain('/v1/accounts');
    expect(init.text.length).toBeLessThan(5_000);
  });

  it('keeps the authorization across reloads and sends nothing to the online validator', async () => {
    const init = await request(t.app).get('/docs/swagger-ui-init.js');
    expect(init.text).toContain('"persistAuthorization": true');
    expect(init.text).toContain('"validatorUrl": "none"');
  });
});

describe('GET /reference', () => {
  it('serves the Redoc reference page for the SpendSense API', async () => {
    const response = await request(t.app).get('/reference');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.text).toContain('<title>SpendSense API</title>');
  });

  it('loads only its own script, reads the spec by URL, with telemetry off and in-page routing', async () => {
    const page = (await request(t.app).get('/reference')).text;
    expect(scriptSources(page)).toEqual([expect.stringMatching(/^\/reference\/redoc\.standalone\.[0-9a-f]{16}\.js$/)]);
    expect(page).not.toMatch(/(https?:)?\/\/[a-z]/i);
    expect(page).toMatch(/<redoc spec-url="\/openapi\.json"[^>]* disable-telemetry="true"/);
    expect(page).toMatch(/<redoc [^>]*router="hash"/);
  });

  it('serves the vendored Redoc under a name that changes with its content, cached for a year', async () => {
    const [script] = scriptSources((await request(t.app).get('/reference')).text);
    const response = await request(t.app).get(script!);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.text).toContain('export{RedocStandalone,hydrate,init}');
    expect(response.text).not.toContain('https://cdn.redoc.ly/');
  });

  it('answers 404 for a Redoc bundle name it does not serve', async () => {
    const response = await request(t.app).get('/reference/redoc.standalone.0000000000000000.js');
    expect(response.status).toBe(404);
  });
});

describe('withLocalImages', () => {
  const logos = 'src:e?`https://cdn.redoc.ly/redoc/logo-mini-full.svg`:`https://cdn.redoc.ly/redoc/logo-mini.svg`';

  it("replaces the sidebar badge's two CDN logos with inline images", () => {
    const rewritten = withLocalImages(logos);
    expect(rewritten).not.toContain('cdn.redoc.ly');
    expect(rewritten.match(/`data:image\/svg\+xml,[^`]+`/g)).toHaveLength(2);
  });

  it('fails, rather than let a request past this origin, when an upgraded bundle moved a logo', () => {
    expect(() => withLocalImages('src:`https://cdn.redoc.ly/redoc/logo-mini.svg`')).toThrow(/logo-mini-full\.svg/);
    expect(() => withLocalImages(`${logos}${logos}`)).toThrow(/found it 2 times/);
  });
});
