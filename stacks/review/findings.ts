/**
 * What a review reports: findings per environment, each a sentence a reviewer can act on, sorted
 * into the areas of the report. The renderers (markdown, text, JSON) only format these.
 */

/**
 * - `risk`: the change stops a critical alert from paging, or weakens the security posture; it
 *   fails the pipeline under `--fail-on risk`.
 * - `notice`: a behaviour change worth a reviewer's attention (a threshold, a route's timing, a
 *   new Secret reference).
 * - `info`: everything else that changed.
 */
export type Level = 'risk' | 'notice' | 'info';

export type Area = 'alerting' | 'routing' | 'security' | 'dashboards' | 'other';

export const AREAS: readonly { area: Area; title: string }[] = [
  { area: 'alerting', title: 'Alerting rules' },
  { area: 'routing', title: 'Alert routing' },
  { area: 'security', title: 'Security posture' },
  { area: 'dashboards', title: 'Dashboards' },
  { area: 'other', title: 'Everything else' },
];

export interface CodeBlock {
  label: string;
  text: string;
  /** Fenced-code language for markdown (`promql`, `logql`, `yaml`). */
  lang?: string;
}

export interface Finding {
  area: Area;
  /** Sub-heading within the area: `Alert rules`, `Receivers`, `Network flows`, `Pod Security`, ... */
  topic: string;
  level: Level;
  /** One self-contained sentence; `inline code` in backticks. */
  text: string;
  /** Before/after expressions and the like, shown as code blocks. */
  code?: CodeBlock[];
}

/** Receivers one alert label set reaches, before and after (absent when the side has no Alertmanager config). */
export interface RoutingRow {
  /** `ImmigrationAiHighCpuUsage{severity="critical"}`: the rule's static labels, without the external labels. */
  alert: string;
  labels: Record<string, string>;
  origin: 'rule' | 'synthetic';
  before?: string[];
  after?: string[];
}

export interface FiringSummary {
  /** Firing episodes of the alert as a whole (the union over its series): roughly how often it would have paged. */
  episodes: number;
  /** Firing episodes counted per series. */
  seriesEpisodes: number;
  /** Total time at least one series was firing. */
  firingSeconds: number;
  /** Series that were ever firing. */
  series: number;
}

export type BacktestOutcome =
  | ({ status: 'ok'; query: string; notes: string[] } & FiringSummary)
  | { status: 'skipped'; reason: string; query?: string };

export interface BacktestRow {
  /** `ImmigrationAiHighCpuUsage critical`. */
  alert: string;
  /** What changed, in words: `threshold`, `for`, `expression`, `added`, `removed`. */
  change: string;
  stepSeconds: number;
  before?: BacktestOutcome;
  after?: BacktestOutcome;
  /** Firing episodes Prometheus itself recorded in ALERTS for the base rule's labels over the same window. */
  recorded?: FiringSummary | { error: string };
}

export interface BacktestReport {
  prometheus: string;
  /** ISO times of the window. */
  start: string;
  end: string;
  days: number;
  rows: BacktestRow[];
  /** How recording rules were handled, and similar method notes. */
  notes: string[];
}

export interface EnvironmentReport {
  environment: string;
  /** `added`/`removed`: the environment exists on one side only (its contents are not compared). */
  presence: 'both' | 'added' | 'removed';
  findings: Finding[];
  routing: RoutingRow[];
  backtest?: BacktestReport;
}

export interface SideInfo {
  /** `origin/main`, `HEAD`, `working tree`, or a folder. */
  label: string;
  commit?: string;
  /** How the tree was obtained, in words: "committed dist/ of origin/main (3f2a1bc)", "synthesized from the working tree". */
  how: string;
}

export interface Report {
  base: SideInfo;
  head: SideInfo;
  environments: EnvironmentReport[];
  /** Files outside the environment folders (the shared runbooks). */
  shared: Finding[];
  /** Notes about the comparison itself (a stale base, skipped environments). */
  notes: string[];
}

export const finding = (area: Area, topic: string, level: Level, text: string, code?: CodeBlock[]): Finding =>
  code && code.length > 0 ? { area, topic, level, text, code } : { area, topic, level, text };

export const risksOf = (report: Report): { environment: string; finding: Finding }[] => [
  ...report.environments.flatMap((e) => e.findings.filter((f) => f.level === 'risk').map((f) => ({ environment: e.environment, finding: f }))),
  ...report.shared.filter((f) => f.level === 'risk').map((f) => ({ environment: '(shared)', finding: f })),
];

export const changeCount = (report: Report): number =>
  report.environments.reduce((n, e) => n + e.findings.length + (e.presence === 'both' ? 0 : 1), 0) + report.shared.length;

/** `a, b and c`; long lists end with `and N more`. */
export function list(items: readonly string[], max = 8): string {
  if (items.length === 0) return '(none)';
  const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : [...items];
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
