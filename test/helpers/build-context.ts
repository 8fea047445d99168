// The Docker build context: the repository less what .dockerignore leaves out, as Docker matches
// it (patterns against the path from the context root, `**` for any folders, a folder's exclusion
// covering everything below it, `!` re-including, the last matching line winning).
import { existsSync, readFileSync } from 'node:fs';
import { matchesGlob, normalize } from 'node:path';
import { projectRoot } from '../../src/paths.ts';

export const contextRoot = projectRoot;

type Rule = { pattern: string; include: boolean };

let cachedRules: Rule[] | undefined;

function rules(): Rule[] {
  return (cachedRules ??= readFileSync(`${contextRoot}.dockerignore`, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      return { include, pattern: normalize(line.slice(include ? 1 : 0).replace(/^\/+/, '')).replace(/\/+$/, '') };
    }));
}

/** Whether `path` (relative to the repository root) is sent to the build. */
export function inBuildContext(path: string): boolean {
  const parts = normalize(path).split('/');
  let excluded = false;
  for (const rule of rules()) {
    // A pattern matching the path or any folder above it applies to the path.
    const matches = parts.some((_, index) => matchesGlob(parts.slice(0, index + 1).join('/'), rule.pattern));
    if (matches) excluded = !rule.include;
  }
  return !excluded;
}

/** Whether a COPY source exists in the repository and survives .dockerignore. */
export function contextHas(path: string): boolean {
  return existsSync(`${contextRoot}${path}`) && inBuildContext(path);
}
