/** `npm run sms-bridge`: the Alertmanager -> Twilio SMS bridge (see docs/operators.md). */
import { createLogger } from '../logging/logger.js';
import { ConfigError } from '../health-exporter/config.js';
import { loadSmsBridgeConfig } from './config.js';
import { createSmsBridge } from './server.js';

let config;
try {
  config = loadSmsBridgeConfig(process.env);
} catch (e) {
  process.stderr.write(`sms-bridge: ${(e as Error).message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
}
const logger = createLogger({ component: 'sms-bridge', level: config.logLevel, lokiUrl: config.lokiUrl, lokiBasicAuth: config.lokiBasicAuth });
const { server } = createSmsBridge(config, logger);
server.listen(config.port, config.host, () => logger.info({ port: config.port, max_alerts_per_hour: config.maxAlertsPerHour, recipients: config.to.length }, 'sms bridge started'));
const stop = (): void => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
