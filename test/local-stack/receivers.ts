/**
 * The local stand-ins for every notification channel. Each keeps what it receives as JSON lines in
 * a log file, which the scenarios read and a person can `tail -f`:
 * - a real SMTP server (npm smtp-server) that stores each mail (.eml) and logs its decoded text;
 * - HTTP sinks for Slack's incoming webhook, Twilio's Messages API (behind the SMS bridge) and the
 *   dead man's switch. These three are stubs by design: the real services are on the internet.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { parseMail } from './mime.js';

export interface ReceivedLine {
  /** Milliseconds since the epoch when the receiver got the message. */
  t: number;
  receivedAt: string;
  [key: string]: unknown;
}

function logLine(file: string, fields: Record<string, unknown>): void {
  const t = Date.now();
  appendFileSync(file, `${JSON.stringify({ t, receivedAt: new Date(t).toISOString(), ...fields })}\n`);
}

export interface Receiver {
  url: string;
  logFile: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(contentType: string | undefined, body: string): unknown {
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  return body;
}

type Responder = (req: IncomingMessage, body: unknown, res: ServerResponse) => void;

const OK_TEXT: Responder = (_req, _body, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
};

/** Answers like Twilio's Messages API: 201 with a message resource. */
const TWILIO: Responder = (req, body, res) => {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, string>;
  if (req.method !== 'POST' || !/\/Accounts\/[^/]+\/Messages\.json$/.test(req.url ?? '')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
    return;
  }
  const sid = `SM${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`;
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sid, status: 'queued', to: form.To, from: form.From, body: form.Body, date_created: new Date().toUTCString() }));
};

export const RESPONDERS = { ok: OK_TEXT, twilio: TWILIO } as const;

/** An HTTP endpoint on 127.0.0.1:`port` that logs every request as a JSON line. */
/**
 * `host` is 127.0.0.1, or 0.0.0.0 when programs in containers (on the manifest runner's network)
 * must reach the receiver too.
 */
export function startHttpSink(name: string, port: number, logFile: string, responder: Responder = OK_TEXT, host = '127.0.0.1'): Promise<Receiver> {
  writeFileSync(logFile, '', { flag: 'a' });
  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const body = parseBody(req.headers['content-type'], raw);
        logLine(logFile, { sink: name, method: req.method, path: req.url, contentType: req.headers['content-type'], body });
        responder(req, body, res);
      })
      .catch(() => {
        res.writeHead(400);
        res.end();
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        url: `http://127.0.0.1:${port}`,
        logFile,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      }),
    );
  });
}

/** A real SMTP server on `host`:`port` (as startHttpSink): stores each mail as .eml in `mailDir` and logs it decoded. */
export function startSmtpReceiver(port: number, mailDir: string, logFile: string, host = '127.0.0.1'): Promise<Receiver> {
  mkdirSync(mailDir, { recursive: true });
  writeFileSync(logFile, '', { flag: 'a' });
  let n = 0;
  const server = new SMTPServer({
    // A test stand-in, so no TLS; Alertmanager's local config sets require_tls: false.
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'local' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const file = join(mailDir, `${String(++n).padStart(4, '0')}.eml`);
        writeFileSync(file, raw);
        const mail = parseMail(raw);
        logLine(logFile, {
          sink: 'smtp',
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: mail.subject,
          text: mail.text,
          file,
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, host, () =>
      resolve({ url: `smtp://127.0.0.1:${port}`, logFile, close: () => new Promise<void>((r) => server.close(() => r())) }),
    );
  });
}
