/** How a category's latest month compares with its own average of the months before it. */
export function categoryTrend(series: readonly number[]) {
  const latest = series.at(-1) ?? 0;
  const earlier = series.slice(0, -1);
  const total = series.reduce((sum, value) => sum + value, 0);
  const average = earlier.length ? Math.round(earlier.reduce((sum, value) => sum + value, 0) / earlier.length) : 0;
  const change = average === 0 ? null : Math.round(((latest - average) / Math.abs(average)) * 10_000) / 10_000;
  return { total, average, latest, change };
}
