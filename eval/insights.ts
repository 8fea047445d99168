// npm run eval:insights
// Generates ledgers with known truth and measures the three insight models against the issue's
// targets and naive baselines: forecasts (rolling origin), anomalies (injected, with hard
// negatives) and recurring streams. Writes the figures to EVALUATION.md.
import { sectionMarkers, writeSection } from './evaluation-file.ts';
import { evaluateAnomalies } from './insights/anomalies.ts';
import { evaluateForecast } from './insights/forecast.ts';
import { evaluateRecurring } from './insights/recurring.ts';

type Target = { name: string; value: number; target: string; met: boolean };
type Evaluation = { markdown: string; targets: Target[] };

const evaluationSeed = 1;
const started = performance.now();
const parts: [string, () => Promise<Evaluation>][] = [
  ['forecast', () => evaluateForecast(evaluationSeed)],
  ['anomalies', () => evaluateAnomalies(evaluationSeed)],
  ['recurring', () => evaluateRecurring(evaluationSeed)],
];
const results: Evaluation[] = [];
for (const [name, run] of parts) {
  const partStarted = performance.now();
  results.push(await run());
  console.log(`${name}: ${((performance.now() - partStarted) / 1000).toFixed(1)} s`);
}

const targets = results.flatMap((result) => result.targets);
const fixed = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(3));
const summary = [
  '| figure | measured | target | met |',
  '| --- | ---: | --- | --- |',
  ...targets.map((t) => `| ${t.name} | ${fixed(t.value)} | ${t.target} | ${t.met ? 'yes' : '**no**'} |`),
];
const seconds = ((performance.now() - started) / 1000).toFixed(0);
const { begin, end } = sectionMarkers('insights');
const section = [
  begin,
  '## Insights: forecasts, anomalies, recurring streams',
  '',
  `Generated ledgers with known truth (seed ${evaluationSeed}; every threshold was tuned on seed 2). Regenerate with \`npm run eval:insights\` (${seconds} s on this machine).`,
  '',
  ...summary,
  '',
  ...results.map((result) => result.markdown.trim()).flatMap((markdown) => [markdown, '']),
  end,
].join('\n');
writeSection(new URL('../EVALUATION.md', import.meta.url).pathname, 'insights', section);
for (const t of targets) console.log(`${t.met ? 'met ' : 'MISS'} ${t.name}: ${fixed(t.value)} (target ${t.target})`);
console.log('wrote EVALUATION.md');
