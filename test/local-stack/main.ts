/**
 * `npm run stack:local`: the whole monitoring pipeline on loopback, from the generated `local`
 * configuration. Prints where everything is and how to inject a fault; Ctrl-C stops it all.
 *
 *   npm run stack:local                              run until Ctrl-C / SIGTERM
 *   npm run stack:local -- --scenario database-down  run one scenario, report, stop
 *   npm run stack:local -- --dir /tmp/stack          work directory (default .local-stack/stack)
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeDeliveries, readDeliveries } from './deliveries.js';
import { ALL_SCENARIOS, findScenario, formatReport } from './scenarios/index.js';
import { LocalStack } from './stack.js';
import { pipelineTiming } from './timing.js';
import { freePort } from './wait.js';
import { LOW_TRAFFIC_ROUTE } from './components.js';
import { repoRoot, url } from './topology.js';

const USAGE = `usage: npm run stack:local [-- --scenario NAME] [--dir DIR]
scenarios: ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`;

/** A small control API so a person can break things from another terminal with curl. */
function controlServer(stack: LocalStack, port: number): Promise<Server> {
  const routes: Record<string, () => Promise<unknown>> = {
    'POST /database/stop': () => stack.postgres.stop(),
    'POST /database/start': () => stack.postgres.start(),
    'POST /maintenance/on': async () => stack.setMaintenance(true),
    'POST /maintenance/off': async () => stack.setMaintenance(false),
    'POST /app/errors': () => stack.app.setFault({ ...stack.app.faultRoute, errorRatio: 0.12 }),
    'POST /app/slow': () => stack.app.setFault({ ...stack.app.faultRoute, delayMs: 2200 }),
    'POST /app/clear': () => stack.app.clearFaults(),
    'POST /app/low-traffic-errors': () => stack.app.setFault({ ...LOW_TRAFFIC_ROUTE, errorRatio: 0.5 }),
    'POST /app/kill': () => stack.killApp(),
    'POST /app/start': () => stack.startApp(),
    'GET /deliveries': async () => readDeliveries(stack.topology),
  };
  stack.alertmanagers.forEach((_, i) => {
    routes[`POST /alertmanager/${i}/kill`] = () => stack.killAlertmanager(i);
    routes[`POST /alertmanager/${i}/start`] = () => stack.restartAlertmanager(i);
  });
  const server = createServer((req, res) => {
    const handler = routes[`${req.method} ${req.url}`];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`unknown; try: ${Object.keys(routes).join(', ')}\n`);
      return;
    }
    handler()
      .then((out) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(out ?? { ok: true }, null, 2)}\n`);
      })
      .catch((err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${err.message}\n`);
      });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function banner(stack: LocalStack, control: string): string {
  const t = stack.topology;
  const r = t.paths.receivers;
  return `
Local monitoring stack is up (environment "local": production's rules and routes, time compressed).

  Prometheus      ${stack.prometheusUrls.join('  ')}
  Alertmanager    ${stack.alertmanagerUrls.join('  ')}   (clustered)
  exporter        ${stack.exporterUrls.map((u) => `${u}/api/health`).join('  ')}   (${stack.exporterUrls.length} replicas from the manifests, ${stack.cluster.runtime.kind}; /metrics on each)
  demo app        ${url(t.ports.app)}   (traffic generator running)
  SMS bridge      ${stack.smsBridgeUrl}
  node-exporter   ${url(t.ports.nodeExporter)}
  PostgreSQL      ${stack.postgres.url.replace(/:[^:@/]+@/, ':***@')}

Receivers (JSON lines; tail -f them):
  email (SMTP ${url(t.ports.smtp).replace('http', 'smtp')})  ${r.email}   mails: ${t.paths.mailDir}
  Slack webhook   ${r.slack}
  Twilio API      ${r.sms}
  dead man's switch ${r.heartbeat}
Component logs:   ${t.paths.logDir}
Generated config: ${t.paths.configDir}

Inject a fault (from another terminal):
  curl -X POST ${control}/database/stop      # then /database/start
  curl -X POST ${control}/app/errors         # 12% 5xx on ${stack.app.faultRoute.method} ${stack.app.faultRoute.route}; /app/slow for 2.2 s; /app/clear
  curl -X POST ${control}/app/low-traffic-errors  # 50% 5xx on ${LOW_TRAFFIC_ROUTE.method} ${LOW_TRAFFIC_ROUTE.route} (1 request every ${LOW_TRAFFIC_ROUTE.everySeconds} s); /app/clear
  curl -X POST ${control}/app/kill           # the app process dies; /app/start brings it back
  curl -X POST ${control}/maintenance/on     # then /maintenance/off  (patches the maintenance ConfigMap the exporter pods mount)
  curl -X POST ${control}/alertmanager/0/kill   # then /alertmanager/0/start
  curl ${control}/deliveries                 # what reached the receivers

Ctrl-C stops everything.
`;
}

async function main(argv: string[]): Promise<number> {
  let values: { scenario?: string; dir?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { scenario: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`stack:local: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scenario = values.scenario === undefined ? undefined : findScenario(values.scenario);
  if (values.scenario !== undefined && !scenario) {
    console.error(`stack:local: unknown scenario "${values.scenario}"\n${USAGE}`);
    return 2;
  }
  const log = (m: string): void => console.log(`[stack] ${m}`);
  const dir = values.dir ?? join(repoRoot(), '.local-stack', 'stack');

  let stack: LocalStack | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    log('stopping everything');
    await stack?.stop();
  })());
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: shutting down`);
    void stop().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    stack = await LocalStack.start({ dir, log });
  } catch (err) {
    console.error(`stack:local: could not start: ${(err as Error).message}`);
    return 1;
  }
  if (interrupted) return 130;
  const timing = pipelineTiming(stack.config, stack.files.alertmanager);

  if (scenario) {
    try {
      const report = await scenario.run({ stack, timing, log });
      console.log(`\n${formatReport(report)}`);
      if (report.problems.length > 0) console.log(`\n${await stack.diagnostics(report.faultAt - 60_000)}`);
      return report.problems.length === 0 ? 0 : 1;
    } finally {
      await stop();
    }
  }

  const controlPort = await freePort();
  const control = await controlServer(stack, controlPort);
  console.log(banner(stack, url(controlPort)));
  const started = Date.now();
  // Until a signal: print new deliveries as they arrive.
  let seen = readDeliveries(stack.topology).length;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (interrupted) {
        clearInterval(timer);
        control.close();
        resolve();
        return;
      }
      const all = readDeliveries(stack!.topology);
      if (all.length > seen) console.log(describeDeliveries(all.slice(seen), started));
      seen = all.length;
    }, 1000);
  });
  return 130;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
