/**
 * Child process of the benchmark: a node:http server with a trivial handler, bare or wrapped by
 * the instrumentation middleware (argv[2]). Reports its port, and on request its CPU time, over
 * IPC. One process per variant, so CPU time per request is measured cleanly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { HttpInstrumentation, createAppMetrics } from '../exporters/instrumentation/index.js';

const handler = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"ok":true}');
};

const variant = process.argv[2] === 'instrumented' ? 'instrumented' : 'bare';
// Both variants carry the same registry with default metrics, so only the middleware differs.
const metrics = createAppMetrics();
const instr = new HttpInstrumentation(metrics, { routes: ['/api/documents/:id'] });
const server = createServer(variant === 'instrumented' ? instr.wrap(handler) : handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('message', (m: unknown) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuMicros: u.user + u.system });
  }
});
process.on('SIGTERM', () => process.exit(0));
