/**
 * Seconds -> an Alertmanager duration: whole seconds as promDuration, a fraction in milliseconds
 * (`2.5` -> `2500ms`, which Alertmanager 0.25+ accepts).
 */
export function amDuration(seconds: number): string {
  if (Number.isInteger(seconds)) return promDuration(seconds);
  if (!(seconds > 0)) throw new Error(`duration must be >= 0 seconds (got ${seconds})`);
  return `${Math.round(seconds * 1000)}ms`;
}

/** Seconds -> the shortest exact Prometheus duration (`90` -> `1m30s`, `900` -> `15m`, `0` -> `0s`). */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`duration must be a whole number of seconds >= 0 (got ${seconds})`);
  if (seconds === 0) return '0s';
  const units: [string, number][] = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let rest = seconds;
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
