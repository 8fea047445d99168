// Builds a Dockerfile stage without a Docker engine: each stage becomes a temporary folder standing
// for its WORKDIR, and its instructions are carried out as written (ENV, COPY from the build
// context under .dockerignore or from another stage, RUN with /bin/sh in that folder). Stages a
// stage copies from start at once and run side by side, as BuildKit runs them. npm runs offline,
// from this machine's cache (what the Dockerfile's cache mount holds in a real build).
// An instruction the replay does not model fails it, so the Dockerfile cannot outgrow it silently.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import { contextRoot, inBuildContext } from './build-context.ts';
import { copyOf, envPairs, execForm, parseDockerfile, stageNamed, type Copy, type Instruction, type Stage } from './dockerfile.ts';

export type ReplayedStage = {
  name: string;
  /** The host folder standing for the stage's WORKDIR. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[] | undefined;
};

export type ReplayedImage = {
  stage: ReplayedStage;
  /** The temporary folder holding every replayed stage; `remove` deletes it. */
  folder: string;
  /** How long each RUN took, for a reader wondering where the time went. */
  runs: Array<{ stage: string; line: number; ms: number }>;
  remove: () => void;
};

const runTimeoutMs = 180_000;

function hostPath(stage: ReplayedStage, containerPath: string): string {
  const absolute = posix.resolve(stage.workdir, containerPath);
  if (stage.workdir === '/' || (absolute !== stage.workdir && !absolute.startsWith(`${stage.workdir}/`))) {
    throw new Error(`the replay models only paths below WORKDIR (${stage.workdir}), not ${containerPath}`);
  }
  return join(stage.root, posix.relative(stage.workdir, absolute));
}

/** COPY's rules: a folder's contents go into the destination; files into it when it ends in / or there are several. */
function copyInto(stage: ReplayedStage, copy: Copy, from: ReplayedStage | undefined): void {
  const destination = hostPath(stage, copy.destination);
  const intoFolder = copy.sources.length > 1 || copy.destination.endsWith('/');
  for (const source of copy.sources) {
    if (/[*?[]/.test(source)) throw new Error(`Dockerfile line ${copy.line}: the replay does not expand wildcards (${source})`);
    const path = from ? hostPath(from, source) : join(contextRoot, source);
    if (!existsSync(path) || (!from && !inBuildContext(source))) {
      throw new Error(`Dockerfile line ${copy.line}: COPY ${source}: not in ${from ? `stage ${from.name}` : 'the build context (.dockerignore?)'}`);
    }
    const filter = from ? undefined : (file: string) => inBuildContext(relative(contextRoot, file));
    if (statSync(path).isDirectory()) {
      cpSync(path, destination, { recursive: true, ...(filter ? { filter } : {}) });
    } else {
      const target = intoFolder ? join(destination, basename(source)) : destination;
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
    }
  }
}

/** Absolute paths under WORKDIR in a RUN command (`/app/certs/…`) point into the stage's folder. */
function withHostPaths(stage: ReplayedStage, command: string): string {
  if (stage.workdir === '/') return command;
  const escaped = stage.workdir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return command.replace(new RegExp(`(?<=^|[\\s'"=:])${escaped}(?=/|[\\s'"]|$)`, 'g'), stage.root);
}

function run(stage: ReplayedStage, instruction: Instruction): Promise<void> {
  // Node 24 first, as in the image; no node_modules/.bin of the repository, whose tsc would hide
  // a build stage that failed to install its own.
  const searchPath = (process.env.PATH ?? '/usr/bin:/bin').split(':').filter((folder) => !folder.includes('node_modules'));
  const env = {
    PATH: [dirname(process.execPath), ...searchPath].join(':'),
    HOME: process.env.HOME ?? '/root',
    ...stage.env,
    npm_config_offline: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', withHostPaths(stage, instruction.args)], { cwd: stage.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const hint = /ENOTCACHED/.test(output) ? ' (npm runs offline here: `npm ci` once online fills its cache)' : '';
      reject(new Error(`stage ${stage.name}, Dockerfile line ${instruction.line}: RUN failed (${signal ?? `exit ${code}`})${hint}:\n${instruction.args}\n${output.slice(-4000)}`));
    });
  });
}

export async function replayImage(target: string, stages: Stage[] = parseDockerfile()): Promise<ReplayedImage> {
  const folder = mkdtempSync(`${tmpdir()}/spendsense-image-`);
  // The image's user (`node`) must reach its files, as it does in a container.
  chmodSync(folder, 0o755);
  const runs: ReplayedImage['runs'] = [];
  const replays = new Map<string, Promise<ReplayedStage>>();
  const remove = () => rmSync(folder, { recursive: true, force: true });

  const replay = (name: string): Promise<ReplayedStage> => {
    let replayed = replays.get(name);
    if (!replayed) {
      replayed = replayStage(stageNamed(stages, name));
      replays.set(name, replayed);
    }
    return replayed;
  };

  async function replayStage(stage: Stage): Promise<ReplayedStage> {
    for (const instruction of stage.instructions) {
      const from = instruction.keyword === 'COPY' ? instruction.flags.from : undefined;
      // Started now, awaited at its COPY; a failure surfaces there.
      if (from) replay(from).catch(() => undefined);
    }
    const root = `${folder}/${stage.name}`;
    const parent = stages.some((candidate) => candidate.name === stage.from) ? await replay(stage.from) : undefined;
    if (parent) cpSync(parent.root, root, { recursive: true });
    else mkdirSync(root);
    const state: ReplayedStage = { name: stage.name, root, workdir: parent?.workdir ?? '/', env: { ...parent?.env }, user: parent?.user, cmd: parent?.cmd };
    for (const instruction of stage.instructions) {
      switch (instruction.keyword) {
        case 'WORKDIR': {
          const workdir = posix.resolve(state.workdir, instruction.args.trim());
          if (state.workdir !== '/' && workdir !== state.workdir) throw new Error(`Dockerfile line ${instruction.line}: the replay models one WORKDIR per stage`);
          state.workdir = workdir;
          break;
        }
        case 'ENV': {
          const pairs = envPairs(instruction.args);
          if (Object.values(pairs).some((value) => value.includes('$'))) throw new Error(`Dockerfile line ${instruction.line}: the replay does not expand variables in ENV`);
          Object.assign(state.env, pairs);
          break;
        }
        case 'COPY': {
          const copy = copyOf(instruction);
          copyInto(state, copy, copy.from ? await replay(copy.from) : undefined);
          break;
        }
        case 'RUN': {
          const startedAt = performance.now();
          await run(state, instruction);
          runs.push({ stage: stage.name, line: instruction.line, ms: Math.round(performance.now() - startedAt) });
          break;
        }
        case 'USER':
          state.user = instruction.args.trim();
          break;
        case 'CMD':
          state.cmd = execForm(instruction.args);
          break;
        // Metadata: nothing in the file system changes.
        case 'ARG':
        case 'LABEL':
        case 'EXPOSE':
        case 'HEALTHCHECK':
        case 'STOPSIGNAL':
          break;
        default:
          throw new Error(`Dockerfile line ${instruction.line}: the replay does not model ${instruction.keyword}`);
      }
    }
    return state;
  }

  try {
    return { stage: await replay(target), folder, runs, remove };
  } catch (error) {
    // Let stages still running finish before their folders go.
    await Promise.allSettled(replays.values());
    remove();
    throw error;
  }
}
