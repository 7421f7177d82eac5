/**
 * How the project's one container image runs its programs (the exporter, the SMS bridge, the
 * report CronJobs and the deployment verification Job). The image build and the charts both read this, so a change of the image's
 * layout is a one-line change here.
 */
export const IMAGE_COMMANDS = {
  /** The exporter service (`npm run exporter`). */
  exporter: ['node', 'build/exporters/health-exporter/main.js'],
  /** The Alertmanager webhook receiver that sends SMS through Twilio (`npm run sms-bridge`). */
  smsBridge: ['node', 'build/exporters/sms-bridge/main.js'],
  /** `report --period daily|weekly --prometheus <url> [--slack] [--email]` (`npm run report`). */
  report: ['node', 'build/exporters/cli/report.js'],
  /** `verify --url <app base> [--health-path] [--metrics-path] [--timeout] [--slack]` (`npm run verify`). */
  verify: ['node', 'build/exporters/cli/verify.js'],
} as const;

/** The image's non-root user and group (the Node.js base image's `node` user). */
export const IMAGE_UID = 1000;
