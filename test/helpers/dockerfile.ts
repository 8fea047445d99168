// A reader for the repository's Dockerfile: its stages and instructions as Docker's parser sees
// them (continuation lines joined, comments dropped), for the checks in test/docker-files.test.ts
// and the replay in test/helpers/image-replay.ts. It reads the subset the Dockerfile uses.
import { readFileSync } from 'node:fs';
import { projectRoot } from '../../src/paths.ts';

export type Instruction = {
  keyword: string;
  /** Leading `--name=value` options (COPY --from, RUN --mount, HEALTHCHECK --interval …). */
  flags: Record<string, string>;
  /** The rest, after the flags. */
  args: string;
  /** 1-based line where the instruction starts, for messages. */
  line: number;
};

export type Stage = { name: string; from: string; instructions: Instruction[] };

export const dockerfilePath = `${projectRoot}Dockerfile`;

/** Joins `\`-continued lines the way Docker does (no separator), skipping comment lines inside them. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const lines = text.split('\n');
  const result: Array<{ text: string; line: number }> = [];
  let current: { text: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed === '') return;
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += piece;
    else current = { text: piece, line: index + 1 };
    if (!continued) {
      result.push(current);
      current = undefined;
    }
  });
  if (current) result.push(current);
  return result;
}

function splitFlags(rest: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {};
  let args = rest.trim();
  for (let match = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(args); match; match = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(args)) {
    flags[match[1]!] = match[2] ?? 'true';
    args = args.slice(match[0].length);
  }
  return { flags, args };
}

export function parseDockerfile(text: string = readFileSync(dockerfilePath, 'utf8')): Stage[] {
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const [, keyword, rest] = /^\s*(\S+)\s*(.*)$/s.exec(lineText)!;
    const upper = keyword!.toUpperCase();
    if (upper === 'FROM') {
      const [from, as, name] = rest!.trim().split(/\s+/);
      if (as?.toUpperCase() !== 'AS' || !name) throw new Error(`Dockerfile line ${line}: every stage needs a name (FROM image AS name)`);
      stages.push({ name, from: from!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (upper === 'ARG') continue; // an ARG before the first FROM only feeds FROM lines
      throw new Error(`Dockerfile line ${line}: ${upper} before the first FROM`);
    }
    stage.instructions.push({ keyword: upper, line, ...splitFlags(rest!) });
  }
  return stages;
}

export function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`);
  return stage;
}

/** Exec form (`["node", "dist/server.js"]`) as its words; shell form is refused (no PID 1 signals). */
export function execForm(args: string): string[] {
  const words: unknown = JSON.parse(args);
  if (!Array.isArray(words) || !words.every((word) => typeof word === 'string')) throw new Error(`not an exec form: ${args}`);
  return words;
}

/** Words separated by blanks, with "…" and '…' quoting and backslash escapes (ENV, COPY). */
export function words(args: string): string[] {
  const result: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)/g;
  let word = '';
  let last = -1;
  for (const match of args.matchAll(pattern)) {
    if (last >= 0 && match.index > last) {
      result.push(word);
      word = '';
    }
    word += (match[1] ?? match[3] ?? '').replace(/\\(.)/g, '$1') + (match[2] ?? '');
    last = match.index + match[0].length;
  }
  if (last >= 0) result.push(word);
  return result;
}

/** `ENV A=1 B=2` as { A: '1', B: '2' } (the legacy `ENV A 1` form is refused). */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const word of words(args)) {
    const equals = word.indexOf('=');
    if (equals <= 0) throw new Error(`ENV ${args}: write ENV NAME=value`);
    pairs[word.slice(0, equals)] = word.slice(equals + 1);
  }
  return pairs;
}

export type Copy = { from: string | undefined; sources: string[]; destination: string; line: number };

export function copyOf(instruction: Instruction): Copy {
  const parts = instruction.args.trim().startsWith('[') ? execForm(instruction.args) : words(instruction.args);
  if (parts.length < 2) throw new Error(`Dockerfile line ${instruction.line}: COPY needs a source and a destination`);
  return { from: instruction.flags.from, sources: parts.slice(0, -1), destination: parts.at(-1)!, line: instruction.line };
}

/** The stage's COPY instructions, in order. */
export function copies(stage: Stage): Copy[] {
  return stage.instructions.filter((instruction) => instruction.keyword === 'COPY').map(copyOf);
}

/** The instructions' values for one keyword (`USER`, `EXPOSE` …), in order. */
export function valuesOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}
