/** `npm run sms-bridge`: the Alertmanager -> Twilio SMS bridge (see docs/operators.md). */
import { createLogger } from '../logging/logger.js';
import { failStart } from '../startup.js';
import { loadSmsBridgeConfig, type SmsBridgeConfig } from './config.js';
import { createSmsBridge } from './server.js';

let config: SmsBridgeConfig;
try {
  config = loadSmsBridgeConfig(process.env);
} catch (e) {
  failStart('sms-bridge', e);
}
const logger = createLogger({ component: 'sms-bridge', level: config.logLevel, lokiUrl: config.lokiUrl, lokiBasicAuth: config.lokiBasicAuth });
const { server } = createSmsBridge(config, logger);
const onStartError = (e: Error): never => failStart('sms-bridge', e, { host: config.host, port: config.port });
server.once('error', onStartError);
server.listen(config.port, config.host, () => {
  server.removeListener('error', onStartError);
  logger.info({ port: config.port, max_alerts_per_hour: config.maxAlertsPerHour, recipients: config.to.length }, 'sms bridge started');
});
const stop = (): void => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
