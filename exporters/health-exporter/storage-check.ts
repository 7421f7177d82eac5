/**
 * The storage check: every bucket answers, with its object count and bytes. Buckets are the
 * subfolders of STORAGE_DIR, or the S3_BUCKETS of an S3-compatible endpoint.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExporterConfig } from './config.js';
import { GB, notConfigured, round, type StorageCheckResult } from './check-result.js';
import { bucketUsage } from './s3-client.js';

export interface BucketUsage {
  bucket: string;
  objects: number;
  bytes: number;
}

export interface StorageOutcome {
  result: StorageCheckResult;
  buckets: BucketUsage[];
}

/** Bucket names become label values: keep them bounded and boring. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const MAX_BUCKETS = 100;

async function directoryUsage(dir: string, signal: AbortSignal): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length > 0) {
    if (signal.aborted) throw new Error('storage walk aborted');
    const current = stack.pop() as string;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const p = join(current, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else if (entry.isFile()) {
        objects++;
        bytes += (await stat(p)).size;
      }
    }
  }
  return { objects, bytes };
}

export class StorageCheck {
  constructor(private readonly storage: ExporterConfig['storage']) {}

  get configured(): boolean {
    return this.storage !== undefined;
  }

  async run(signal: AbortSignal): Promise<StorageOutcome> {
    const start = process.hrtime.bigint();
    const timestamp = new Date().toISOString();
    const finish = (status: 'healthy' | 'unhealthy', details: string, buckets: BucketUsage[]): StorageOutcome => ({
      result: {
        status,
        response_time_ms: round(Number(process.hrtime.bigint() - start) / 1e6),
        timestamp,
        details,
        buckets_available: buckets.length,
        total_files: buckets.reduce((a, b) => a + b.objects, 0),
        storage_used_gb: round(buckets.reduce((a, b) => a + b.bytes, 0) / GB, 2),
      },
      buckets,
    });
    const cfg = this.storage;
    if (!cfg) return { result: { ...notConfigured('storage', 'STORAGE_DIR or S3_ENDPOINT (with S3_BUCKETS)', timestamp), buckets_available: 0, total_files: 0, storage_used_gb: 0 }, buckets: [] };

    let names: string[];
    if (cfg.kind === 'directory') {
      try {
        names = (await readdir(cfg.dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
      } catch (e) {
        return finish('unhealthy', `storage directory unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, []);
      }
    } else names = cfg.buckets;
    names = names.filter((n) => BUCKET_NAME.test(n)).sort().slice(0, MAX_BUCKETS);

    const settled = await Promise.allSettled(
      names.map(async (bucket): Promise<BucketUsage> => ({ bucket, ...(cfg.kind === 'directory' ? await directoryUsage(join(cfg.dir, bucket), signal) : await bucketUsage(cfg, bucket, signal)) })),
    );
    const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${names[i]}: ${(s.reason as Error).message}`] : []));
    if (names.length === 0) return finish('unhealthy', 'no storage buckets found', []);
    if (failed.length > 0) return finish('unhealthy', `storage buckets failing: ${failed.join('; ')}`, ok);
    return finish('healthy', 'Storage buckets available', ok);
  }
}
