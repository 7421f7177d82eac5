/** Small statistics shared by the benchmarks. */

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Median over rounds of f(a[i], b[i]): paired per round, so slow drift in machine load cancels. */
export const pairedMedian = (a: readonly number[], b: readonly number[], f: (x: number, y: number) => number): number => median(a.map((x, i) => f(x, b[i])));
