/** One problem with the input, naming the field or variable and what is allowed. */
export interface ConfigProblem {
  /** Config field path (e.g. `alerting.thresholds.warning.cpuUsageRatio`) or environment variable name. */
  where: string;
  message: string;
}

/** Thrown when the configuration cannot be used; carries every problem found, not only the first. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(['Invalid monitoring configuration:', ...problems.map((p) => `  - ${p.where}: ${p.message}`)].join('\n'));
    this.name = 'ConfigError';
  }
}
