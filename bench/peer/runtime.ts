// The FastAPI peer's Python: Debian's interpreter and packages (bookworm: FastAPI 0.92, pydantic
// 1.10, uvicorn 0.17, asyncpg 0.27), installed with apt-get when missing and the bench runs as
// root. /usr/bin/python3, not the first python3 on PATH: a pyenv or venv interpreter does not see
// Debian's dist-packages. uvloop and httptools are what `pip install "uvicorn[standard]"` (FastAPI's
// own advice) adds; uvicorn uses them when present, so they are installed when Debian has them.
import { spawnSync } from 'node:child_process';

export const peerPython = '/usr/bin/python3';

const required = { fastapi: 'python3-fastapi', uvicorn: 'python3-uvicorn', asyncpg: 'python3-asyncpg', pydantic: 'python3-pydantic' };
const optional = { uvloop: 'python3-uvloop', httptools: 'python3-httptools' };

export type PeerRuntime = { ready: true; versions: string } | { ready: false; reason: string };

type Found = Record<string, string | null> & { python: string };

/** The interpreter's version and each module's (null when it does not import), or undefined without an interpreter. */
function probe(): Found | undefined {
  const modules = JSON.stringify([...Object.keys(required), ...Object.keys(optional)]);
  const script = `import importlib, json, sys
found = {"python": sys.version.split()[0]}
for name in ${modules}:
    try:
        module = importlib.import_module(name)
        found[name] = str(getattr(module, "__version__", getattr(module, "VERSION", "?")))
    except ImportError:
        found[name] = None
print(json.dumps(found))`;
  const result = spawnSync(peerPython, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? (JSON.parse(result.stdout) as Found) : undefined;
}

const missingOf = (found: Found | undefined, packages: Record<string, string>) =>
  Object.entries(packages).filter(([module]) => !found?.[module]).map(([, name]) => name);

function aptGet(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8', timeout: 15 * 60_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** apt-get install; when that fails and `update` is set, once more after an `apt-get update`. */
function install(packages: string[], log: (message: string) => void, update: boolean): { ok: boolean; output: string } {
  log(`apt-get install ${packages.join(' ')}`);
  const install = () => aptGet(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const first = install();
  if (first.ok || !update) return first;
  log('apt-get update (the install failed; the package lists may be missing or stale)');
  aptGet(['update', '-qq']);
  return install();
}

function describe(found: Found): string {
  const extras = Object.keys(optional).map((module) => (found[module] ? `${module} ${found[module]}` : `no ${module}`)).join(', ');
  return `Python ${found.python}, FastAPI ${found.fastapi}, pydantic ${found.pydantic}, uvicorn ${found.uvicorn} (${extras}), asyncpg ${found.asyncpg}`;
}

/**
 * The peer's runtime, installed first when it is missing and we may. Never throws: without it the
 * peer's scenarios are skipped and the report says why.
 */
export function ensurePeerRuntime(log: (message: string) => void): PeerRuntime {
  let found = probe();
  const missing = missingOf(found, required);
  const root = process.getuid?.() === 0;
  if (missing.length > 0 && !root) {
    return {
      ready: false,
      reason: `${peerPython} cannot import ${missing.join(', ')} and the bench is not running as root to install them: \`sudo apt-get install --no-install-recommends ${missing.join(' ')}\``,
    };
  }
  const missingOptional = missingOf(found, optional);
  if (root && missing.length + missingOptional.length > 0) {
    if (missing.length > 0) {
      const result = install(missing, log, true);
      if (!result.ok) {
        const tail = result.output.trim().split('\n').slice(-3).join(' / ');
        return { ready: false, reason: `\`apt-get install ${missing.join(' ')}\` failed: ${tail}` };
      }
    }
    // Each on its own and without an update: one Debian lacks must neither keep the other out nor slow every run.
    for (const name of missingOptional) install([name], log, false);
    found = probe();
  }
  const still = missingOf(found, required);
  if (still.length > 0) return { ready: false, reason: `${peerPython} still cannot import ${still.join(', ')} after apt-get install` };
  return { ready: true, versions: describe(found!) };
}
