/** `npm run exporter`: the exporter service, configured by environment variables (see docs/operators.md). */
import { ConfigError, loadExporterConfig } from './config.js';
import { startExporter } from './exporter.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadExporterConfig(process.env);
  } catch (e) {
    process.stderr.write(`exporter: ${(e as Error).message}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  }
  const exporter = await startExporter(config);
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

main().catch((e: Error) => {
  process.stderr.write(`exporter: failed to start: ${e.message}\n`);
  process.exit(1);
});
