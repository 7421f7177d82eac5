/**
 * The two S3 calls the storage check needs (ListObjectsV2, paginated), signed with AWS Signature
 * Version 4. Hand-rolled because the AWS SDK would triple the exporter's install size for one GET.
 * Path-style addressing, which MinIO, Ceph and s3rver accept.
 */
import { createHash, createHmac } from 'node:crypto';
import type { S3StorageConfig } from './config.js';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();
const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Signs a GET request; returns the headers to send. */
export function signGet(cfg: S3StorageConfig, url: URL, now = new Date()): Record<string, string> {
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256('');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  if (cfg.sessionToken) headers['x-amz-security-token'] = cfg.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = ['GET', url.pathname.split('/').map((p) => encode(decodeURIComponent(p))).join('/'), query, ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), payloadHash].join('\n');
  const scope = `${day}/${cfg.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${cfg.secretAccessKey}`, day), cfg.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${cfg.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
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
