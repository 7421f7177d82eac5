import { DEFAULT_CONFIG } from './defaults.js';
import { ENV_VARS, overridesFromEnv } from './env-vars.js';
import { ENVIRONMENT_OVERRIDES } from './environments.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { deepMerge } from './merge.js';
import { ALL_ENVIRONMENT_NAMES, type DeepPartial, type EnvironmentName, type MonitoringConfig } from './types.js';
import { validateConfig } from './validate.js';

export * from './types.js';
export { ConfigError, type ConfigProblem } from './errors.js';
export { DEFAULT_CONFIG } from './defaults.js';
export { ENV_VARS } from './env-vars.js';
export { notificationTiming, repeatIntervalFor, type NotificationTiming } from './notification-timing.js';

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ALL_ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/**
 * Builds the validated configuration of one environment: defaults, then the environment's
 * override, then `extra` (used by tests and the local stack), then the monitoring guide's environment variables.
 * Throws ConfigError with every problem found.
 */
export function loadConfig(
  environment: string,
  env: NodeJS.ProcessEnv = process.env,
  extra?: DeepPartial<MonitoringConfig>,
): MonitoringConfig {
  if (!isEnvironmentName(environment)) {
    throw new ConfigError([{ where: 'environment', message: `unknown environment "${environment}"; allowed: ${ALL_ENVIRONMENT_NAMES.join(', ')}` }]);
  }
  const problems: ConfigProblem[] = [];
  const fromEnv = overridesFromEnv(env, problems);
  const base: MonitoringConfig = { ...structuredClone(DEFAULT_CONFIG), environment };
  const config = deepMerge(deepMerge(deepMerge(base, ENVIRONMENT_OVERRIDES[environment]), extra), fromEnv);
  const setVars = new Set(ENV_VARS.filter((v) => env[v] !== undefined && env[v] !== ''));
  problems.push(...validateConfig(config, setVars));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
