/**
 * Whose containers and volumes the resource rules watch, and how the rules recognise the
 * filesystems they ignore. Shared by the rules (alert-rules/), the dashboards and the scrape
 * keep-lists (charts/), so a namespace the rules watch is never dropped at scrape time.
 */
import type { MonitoringConfig } from './config/index.js';

/** The app's namespace, ours (monitoring, log collector, node-exporter) and the configured extra ones, sorted. */
export function watchedNamespaces(config: Pick<MonitoringConfig, 'namespace' | 'kubernetes'>): string[] {
  const k = config.kubernetes;
  return [...new Set([k.appNamespace, config.namespace, k.logCollectorNamespace, k.nodeExporterNamespace, ...k.extraWatchedNamespaces])].sort();
}

/**
 * Filesystem types that are not disks: in-memory (tmpfs, ramfs: a full tmpfs is a memory
 * matter), container layers (overlay) and read-only images (squashfs, snaps).
 */
export const NON_DISK_FSTYPES = ['tmpfs', 'ramfs', 'overlay', 'squashfs'] as const;
