/**
 * The one S3 call the storage check needs (ListObjectsV2, paginated), signed with AWS Signature
 * Version 4 by `aws4` (a small, dependency-free signer tested against AWS's own signature test
 * suite) rather than the whole AWS SDK. Path-style addressing, which MinIO, Ceph and s3rver accept.
 */
import aws4 from 'aws4';
import type { S3StorageConfig } from './config.js';

const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Signs a GET request; returns the headers to send (lower-case names). */
export function signGet(cfg: S3StorageConfig, url: URL, now = new Date()): Record<string, string> {
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const signed = aws4.sign(
    { host: url.host, path: `${url.pathname}${url.search}`, method: 'GET', service: 's3', region: cfg.region, headers: { 'X-Amz-Date': amzDate } },
    { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey, ...(cfg.sessionToken ? { sessionToken: cfg.sessionToken } : {}) },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers ?? {})) if (k.toLowerCase() !== 'host') headers[k.toLowerCase()] = String(v);
  return headers;
}

const tag = (xml: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

/** Counts the objects and bytes of one bucket. */
export async function bucketUsage(cfg: S3StorageConfig, bucket: string, signal: AbortSignal): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const url = new URL(`${cfg.endpoint.replace(/\/$/, '')}/${encode(bucket)}`);
    url.searchParams.set('list-type', '2');
    url.searchParams.set('max-keys', '1000');
    if (token) url.searchParams.set('continuation-token', token);
    const res = await fetch(url, { headers: signGet(cfg, url), signal });
    const body = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status} ${tag(body, 'Code')[0] ?? ''}`.trim());
    const sizes = tag(body, 'Size').map(Number);
    objects += sizes.length;
    bytes += sizes.reduce((a, b) => a + b, 0);
    if (tag(body, 'IsTruncated')[0] !== 'true') break;
    token = tag(body, 'NextContinuationToken')[0];
    if (!token) break;
  }
  return { objects, bytes };
}
