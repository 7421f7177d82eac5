/** `npm run exporter`: the exporter service, configured by environment variables (see docs/operators.md). */
import { failStart } from '../startup.js';
import { type ExporterConfig, loadExporterConfig } from './config.js';
import { startExporter } from './exporter.js';

async function main(): Promise<void> {
  let config: ExporterConfig;
  try {
    config = loadExporterConfig(process.env);
  } catch (e) {
    failStart('exporter', e);
  }
  let exporter;
  try {
    exporter = await startExporter(config);
  } catch (e) {
    failStart('exporter', e, { host: config.host, port: config.port });
  }
  const shutdown = (signal: string): void => {
    exporter.logger.info({ signal }, 'exporter stopping');
    exporter.stop().finally(() => {
      exporter.logger.flush();
      setTimeout(() => process.exit(0), 100).unref();
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
