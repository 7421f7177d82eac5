import { createLogger } from '../exporters/logging/logger.js';
import { errorSummary, scrubString, scrubValue, REDACTED } from '../exporters/logging/scrub.js';
import { LineCollector, recordingServer, close, waitFor } from './helpers/net.js';

describe('log scrubbing', () => {
  it('masks emails, passport and case numbers, tokens, UUIDs, phones and query strings inside strings', () => {
    const s = scrubString(
      'user jane.doe+x@example.co.uk uploaded passport X12345678 for case IOE0912345678 id 3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b ' +
        'phone +44 20 7946 0958 auth Bearer abc.def-ghi token eyJhbGciOi.eyJzdWIiOi.sig url /api/search?q=Jane+Doe',
    );
    for (const leaked of ['jane.doe', 'example.co.uk', 'X12345678', 'IOE0912345678', '3f2b8a4e', '7946', 'abc.def-ghi', 'eyJhbGciOi', 'Jane+Doe']) {
      expect(s).not.toContain(leaked);
    }
    expect(s).toContain('[EMAIL]');
    expect(s).toContain('/api/search?[REDACTED]');
  });

  it('masks dates of birth, IP addresses, SSNs, A-numbers, IBANs, card and phone numbers and names, raw or encoded', () => {
    const values = ['1987-03-14', '14/03/1987', '203.0.113.45', '2001:db8:85a3::8a2e:370:7334', '123-45-6789', 'A-123-456-789', 'A123456789', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000',
      '4111 1111 1111 1111', '4111-1111-1111-1111', '5500005555555559', '(555) 123-4567', '555.123.4567', '+1 202-555-0143', 'Jane Doe', 'José Müller-Ríos'];
    const fullWidth = (v: string) => [...v].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
    const pct = (v: string) => [...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    for (const v of values) {
      for (const form of [v, encodeURIComponent(v), pct(v), pct(v).replace(/%/g, '%25'), fullWidth(v)]) {
        const out = scrubString(`GET /api/x/${form}/y body ${form} end`);
        expect({ v, form, leaked: out.includes(v) || out.includes(form) }).toEqual({ v, form, leaked: false });
      }
    }
    // Keys are scrubbed too, and identifying headers are removed whole.
    expect(scrubValue({ '123-45-6789': 1, headers: { 'x-forwarded-for': '10.1.2.3', 'user-agent': 'Mozilla', referer: 'https://x/y', forwarded: 'for=1.2.3.4' } })).toEqual({
      '[ID]': 1, headers: { 'x-forwarded-for': REDACTED, 'user-agent': REDACTED, referer: REDACTED, forwarded: REDACTED },
    });
  });

  it('replaces client-input errors of frameworks by a summary; other errors keep a scrubbed message', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token J in JSON at position 2: {"J Jane Doe 123-45-6789'), { type: 'entity.parse.failed', status: 400 });
    expect(errorSummary(parse)).toEqual({ type: 'SyntaxError', kind: 'entity.parse.failed', status: 400, message: 'client input error (details withheld: they quote the input)' });
    expect(JSON.stringify(errorSummary(new URIError("Failed to decode param '%E0%A4%A123-45-6789'")))).not.toContain('6789');
    const own = errorSummary(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 for jane@x.org'), { code: 'ECONNREFUSED' }));
    expect(own).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432 for [EMAIL]' });
  });

  it('leaves ordinary operational text alone', () => {
    const s = 'database check failed with error: connect ECONNREFUSED 127.0.0.1:5432 after 1500 ms';
    expect(scrubString(s)).toBe(s);
  });

  it('redacts sensitive keys at any depth', () => {
    const out = scrubValue({ user: { name: 'Jane Doe', first_name: 'Jane', email: 'x@y.io' }, headers: { authorization: 'Basic Zm9v', cookie: 'sid=1' }, count: 3 });
    expect(out).toEqual({ user: { name: REDACTED, first_name: REDACTED, email: REDACTED }, headers: { authorization: REDACTED, cookie: REDACTED }, count: 3 });
  });
});

describe('logger', () => {
  it('writes JSON lines with upper-case level, ISO timestamp, message and component, scrubbed', () => {
    const out = new LineCollector();
    const log = createLogger({ component: 'test', destination: out });
    log.error({ email: 'a@b.com', req: { headers: { authorization: 'Bearer xyz' } } }, 'database check failed with error for jane@doe.org');
    const line = JSON.parse(out.lines[0]);
    expect(line.level).toBe('ERROR');
    expect(line.component).toBe('test');
    expect(line.message).toBe('database check failed with error for [EMAIL]');
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
    expect(out.text).not.toContain('a@b.com');
    expect(out.text).not.toContain('xyz');
  });

  it('never writes a duplicate component key', () => {
    const out = new LineCollector();
    createLogger({ component: 'exporter', destination: out }).info({ component: 'database' }, 'x');
    expect(out.lines[0].match(/"component":/g)).toHaveLength(1);
    expect(JSON.parse(out.lines[0])).toMatchObject({ component: 'exporter', source_component: 'database' });
  });

  it('rejects an unknown LOG_LEVEL with a message naming it', () => {
    expect(() => createLogger({ component: 'x', level: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('authenticates to Loki with LOKI_USERNAME / LOKI_PASSWORD when set, never through the URL', async () => {
    const loki = await recordingServer((_r, res) => res.writeHead(204).end());
    try {
      const log = createLogger({ component: 'exporter', destination: new LineCollector(), lokiUrl: loki.url, lokiBatchSeconds: 0.2, lokiBasicAuth: { username: 'tenant', password: 'loki-pw' } });
      log.info('hello');
      const push = await waitFor(() => loki.requests.find((r) => r.url === '/loki/api/v1/push'), 15_000);
      expect(push?.headers.authorization).toBe(`Basic ${Buffer.from('tenant:loki-pw').toString('base64')}`);
      log.flush();
    } finally {
      await close(loki.server);
    }
  });

  it('ships to Loki with job and component labels, and keeps working when Loki is unreachable', async () => {
    const loki = await recordingServer((_r, res) => {
      res.statusCode = 204;
      res.end();
    });
    try {
      const out = new LineCollector();
      const log = createLogger({ component: 'exporter', destination: out, lokiUrl: loki.url, lokiBatchSeconds: 0.2 });
      log.warn({ response_time: 1500 }, 'slow query on database for ops@immigrationai.com');
      const push = await waitFor(() => loki.requests.find((r) => r.url === '/loki/api/v1/push'), 15_000);
      if (!push) throw new Error('no push');
      const body = JSON.parse(push.body) as { streams: { stream: Record<string, string>; values: [string, string][] }[] };
      const stream = body.streams[0];
      expect(stream.stream).toMatchObject({ job: 'immigration-ai', component: 'exporter', level: 'warning' });
      const entry = JSON.parse(stream.values[0][1]);
      expect(entry.message).toBe('slow query on database for [EMAIL]');
      expect(entry.response_time).toBe(1500);
      expect(push.body).not.toContain('ops@immigrationai.com');
      expect(push.headers.authorization).toBeUndefined();
      log.flush();

      // Loki gone: logging goes on locally and never throws.
      await close(loki.server);
      const out2 = new LineCollector();
      const log2 = createLogger({ component: 'exporter', destination: out2, lokiUrl: 'http://127.0.0.1:9', lokiBatchSeconds: 0.1 });
      for (let i = 0; i < 100; i++) log2.info({ i }, 'still logging');
      await new Promise((r) => setTimeout(r, 400));
      expect(out2.lines).toHaveLength(100);
    } finally {
      await close(loki.server);
    }
  });
});
