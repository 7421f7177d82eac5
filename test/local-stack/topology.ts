/**
 * Where every component of the local stack listens and keeps its files. Ports are picked by the
 * kernel at start (so a local run and the e2e tests never collide with each other or with other
 * services on the machine); everything binds to 127.0.0.1.
 */
import { join, resolve } from 'node:path';
import { freePorts } from './wait.js';

export const PROMETHEUS_REPLICAS = 2;
export const ALERTMANAGER_REPLICAS = 3;
/** Production runs two exporter replicas; so does the local stack (replicas.exporter of the local environment, run from its manifests). */
export const EXPORTER_REPLICAS = 2;

export interface Topology {
  /** Root of this run's files (configs, data, logs, mailbox). */
  dir: string;
  ports: {
    prometheus: number[];
    alertmanager: number[];
    /** Alertmanager gossip (memberlist) ports. */
    alertmanagerCluster: number[];
    postgres: number;
    app: number;
    /** The demo app's fault-injection API (ADMIN_PORT). */
    appAdmin: number;
    /** Debian's node-exporter, scraped as job `node-exporter` (the node alerts and dashboards). */
    nodeExporter: number;
    smtp: number;
    slack: number;
    twilio: number;
    heartbeat: number;
  };
  paths: {
    configDir: string;
    secretsDir: string;
    dataDir: string;
    logDir: string;
    mailDir: string;
    storageDir: string;
    receivers: { email: string; slack: string; sms: string; heartbeat: string };
  };
}

/** The repository root (this file is test/local-stack/topology.ts, compiled to build/test/local-stack/). */
export function repoRoot(): string {
  const here = resolve(__dirname);
  return here.includes(`${'/build/'}`) ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
}

export async function allocateTopology(dir: string): Promise<Topology> {
  const n = PROMETHEUS_REPLICAS + 2 * ALERTMANAGER_REPLICAS + 9;
  const p = await freePorts(n);
  const take = (k: number): number[] => p.splice(0, k);
  const logDir = join(dir, 'logs');
  return {
    dir,
    ports: {
      prometheus: take(PROMETHEUS_REPLICAS),
      alertmanager: take(ALERTMANAGER_REPLICAS),
      alertmanagerCluster: take(ALERTMANAGER_REPLICAS),
      postgres: take(1)[0],
      app: take(1)[0],
      appAdmin: take(1)[0],
      nodeExporter: take(1)[0],
      smtp: take(1)[0],
      slack: take(1)[0],
      twilio: take(1)[0],
      heartbeat: take(1)[0],
    },
    paths: {
      configDir: join(dir, 'config'),
      secretsDir: join(dir, 'secrets'),
      dataDir: join(dir, 'data'),
      logDir,
      mailDir: join(dir, 'mailbox'),
      storageDir: join(dir, 'storage'),
      receivers: {
        email: join(logDir, 'receiver-email.jsonl'),
        slack: join(logDir, 'receiver-slack.jsonl'),
        sms: join(logDir, 'receiver-twilio.jsonl'),
        heartbeat: join(logDir, 'receiver-heartbeat.jsonl'),
      },
    },
  };
}

export const url = (port: number): string => `http://127.0.0.1:${port}`;
