import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { paths } from '../paths.ts';

type RedocBundle = { url: string; body: Buffer };

/** A wordmark of our own in place of Redocly's: it keeps the "API docs by" credit and its link. */
const wordmark = (text: string, width: number) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 14" width="${width}" height="14">` +
      `<text x="0" y="11" font-family="sans-serif" font-size="12" font-weight="600" fill="#0044d4">${text}</text></svg>`,
  )}`;

/**
 * The sidebar's "API docs by Redocly" badge loads Redocly's logo from their CDN on every visit,
 * whatever the options say: the one request the vendored bundle makes to another origin.
 */
const offOriginImages = [
  { from: 'https://cdn.redoc.ly/redoc/logo-mini-full.svg', to: wordmark('Redocly', 52) },
  { from: 'https://cdn.redoc.ly/redoc/logo-mini.svg', to: wordmark('R', 9) },
];

/** Rewrites each CDN image to its local stand-in; an upgraded bundle that moved them fails here, at start. */
export function withLocalImages(source: string): string {
  return offOriginImages.reduce((text, { from, to }) => {
    const occurrences = text.split(from).length - 1;
    if (occurrences !== 1) throw new Error(`vendor/redoc: expected ${from} once in the bundle, found it ${occurrences} times`);
    return text.replace(from, to);
  }, source);
}

let bundle: RedocBundle | undefined;

/**
 * The vendored Redoc bundle (vendor/redoc, unchanged on disk), named by its content: a new Redoc
 * gets a new URL, so browsers may keep this one for a year. Prepared once per process, not per app.
 */
function redocBundle(): RedocBundle {
  if (!bundle) {
    const body = Buffer.from(withLocalImages(readFileSync(paths.redocBundle, 'utf8')));
    const digest = createHash('sha256').update(body).digest('hex').slice(0, 16);
    bundle = { url: `/reference/redoc.standalone.${digest}.js`, body };
  }
  return bundle;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Redoc reads its options from the element's attributes. The hash router keeps every in-page link
 * under /reference (`/reference#/accounts`), where the history router would navigate to
 * `/accounts`, a page this server does not have; telemetry is off.
 */
export function referencePage(options: { title: string; specUrl: string; scriptUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(options.title)}</title>
  <link rel="icon" href="data:,">
  <style>body { margin: 0; }</style>
</head>
<body>
  <redoc spec-url="${escapeHtml(options.specUrl)}" router="hash" disable-telemetry="true"></redoc>
  <script type="module" src="${escapeHtml(options.scriptUrl)}"></script>
</body>
</html>
`;
}

/** Redoc at /reference: a small page, the spec by URL, Redoc's script from this server. */
export function referenceRouter(options: { title: string; specUrl: string }): Router {
  const { url, body } = redocBundle();
  const page = referencePage({ ...options, scriptUrl: url });
  const router = Router();
  router.get('/reference', (_request, response) => {
    response.set('Cache-Control', 'no-cache').type('html').send(page);
  });
  router.get(url, (_request, response) => {
    response.set('Cache-Control', 'public, max-age=31536000, immutable').type('text/javascript').send(body);
  });
  return router;
}
