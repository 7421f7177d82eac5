/** The storage check against an S3-compatible server (the npm s3rver) and AWS's SigV4 test vector. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExporterConfig, type S3StorageConfig } from '../exporters/health-exporter/config.js';
import { signGet } from '../exporters/health-exporter/s3-client.js';
import { StorageCheck } from '../exporters/health-exporter/storage-check.js';

/**
 * s3rver in a child process: it signs continuation tokens with DES, which Node 20's OpenSSL 3 only
 * offers with --openssl-legacy-provider (and pagination is what we need to exercise).
 */
async function startS3rver(dir: string): Promise<{ endpoint: string; stop(): void }> {
  const code = `const S3rver = require(${JSON.stringify(require.resolve('s3rver'))});
    new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(dir)}, configureBuckets: [{ name: 'documents' }, { name: 'avatars' }] })
      .run().then((a) => console.log(a.port));`;
  const proc = spawn(process.execPath, ['--openssl-legacy-provider', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    proc.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    proc.once('exit', (c) => reject(new Error(`s3rver exited ${c}`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGTERM') };
}

describe('S3 storage check', () => {
  it('signs requests exactly like AWS Signature Version 4 (documented ListObjects example)', () => {
    const cfg: S3StorageConfig = { kind: 's3', endpoint: 'https://examplebucket.s3.amazonaws.com', buckets: [], region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const h = signGet(cfg, new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'), new Date('2013-05-24T00:00:00Z'));
    expect(h.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });

  it('counts objects and bytes across pages, and reports a missing bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iao-s3-'));
    const server = await startS3rver(dir);
    const endpoint = server.endpoint;
    try {
      const put = (bucket: string, key: string, size: number) => fetch(`${endpoint}/${bucket}/${key}`, { method: 'PUT', body: Buffer.alloc(size, 1) }).then((r) => {
        if (!r.ok) throw new Error(`PUT ${key}: ${r.status}`);
      });
      const keys = Array.from({ length: 1005 }, (_, i) => `case-files/doc-${i}.pdf`);
      for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => put('documents', k, 10)));
      await put('avatars', 'a.png', 1234);

      const config = loadExporterConfig({ S3_ENDPOINT: endpoint, S3_BUCKETS: 'documents,avatars', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
      const ok = await new StorageCheck(config.storage).run(new AbortController().signal);
      expect(ok.result.details).toBe('Storage buckets available');
      expect(ok.result).toMatchObject({ status: 'healthy', buckets_available: 2, total_files: 1006 });
      expect(ok.buckets).toEqual([
        { bucket: 'avatars', objects: 1, bytes: 1234 },
        { bucket: 'documents', objects: 1005, bytes: 10050 },
      ]);

      const missing = loadExporterConfig({ S3_ENDPOINT: endpoint, S3_BUCKETS: 'documents,backups', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
      const bad = await new StorageCheck(missing.storage).run(new AbortController().signal);
      expect(bad.result.status).toBe('unhealthy');
      expect(bad.result.details).toMatch(/backups: HTTP 404 NoSuchBucket/);
      expect(bad.result.buckets_available).toBe(1);
    } finally {
      server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
