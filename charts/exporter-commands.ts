/**
 * How the exporter image (issue 6) runs its other programs. One place, so a change of the image's
 * layout is a one-line change here.
 */
export const EXPORTER_IMAGE_COMMANDS = {
  /** The exporter service (`npm run exporter`). */
  exporter: ['node', 'build/exporters/service/main.js'],
  /** The Alertmanager webhook receiver that sends SMS through Twilio (`npm run sms-bridge`). */
  smsBridge: ['node', 'build/exporters/sms-bridge/main.js'],
  /** `report --period daily|weekly --prometheus <url> [--slack] [--email]` (`npm run report`). */
  report: ['node', 'build/exporters/commands/report.js'],
} as const;

/** Non-root user of the Node.js base image. */
export const NODE_UID = 1000;
