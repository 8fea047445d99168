import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The comments that fence one script's section of EVALUATION.md. */
export function sectionMarkers(name: string): { begin: string; end: string } {
  return { begin: `<!-- ${name}:begin (written by npm run eval:${name}) -->`, end: `<!-- ${name}:end -->` };
}

/** Replaces the named section of the file (a whole text from its begin to its end marker), or appends it. */
export function writeSection(path: string, name: string, section: string): void {
  const { begin, end } = sectionMarkers(name);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '# Evaluation\n\nMeasured figures, each section written by the script it names.\n';
  const from = before.indexOf(begin);
  const to = before.indexOf(end);
  const next =
    from !== -1 && to > from
      ? `${before.slice(0, from)}${section}${before.slice(to + end.length)}`
      : `${before.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
