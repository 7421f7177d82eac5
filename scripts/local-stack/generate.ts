/**
 * Generates the local stack's configuration from the `local` environment with the same
 * generators that write dist/ (rules, Alertmanager routing, Prometheus config), then points the
 * secrets and receivers at loopback: secret files (what a Kubernetes Secret would mount) are
 * written to the work dir, and every `*_file` path in the Alertmanager config is rewritten to them.
 */
import { loadConfig, type MonitoringConfig } from '../../stacks/config/index.js';
import type { Topology } from './topology.js';

export interface GeneratedFiles {
  /** One config per Prometheus replica (external label `replica` differs). */
  prometheusConfigs: string[];
  alertmanagerConfig: string;
  ruleFiles: string[];
  /** The Alertmanager config as generated (before secret paths are pointed at the work dir). */
  alertmanager: Record<string, unknown>;
}

/** The `local` environment's config, with this run's receiver addresses. The caller's environment variables are ignored. */
export function localConfig(t: Topology): MonitoringConfig {
  return loadConfig('local', {}, { channels: { email: { smtpServer: 'localhost', smtpPort: t.ports.smtp } } });
}

export function generateLocalFiles(config: MonitoringConfig, t: Topology): GeneratedFiles {
  throw new Error(`rules and routing not integrated yet (issues 3 and 5): ${config.environment} ${t.dir}`);
}
