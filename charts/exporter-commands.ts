/**
 * How the exporter image (issue 6) runs its other programs. One place, so a change of the image's
 * layout is a one-line change here.
 */
export const EXPORTER_IMAGE_COMMANDS = {
  /** The Alertmanager webhook receiver that sends SMS through Twilio. */
  smsBridge: ['node', 'build/exporters/sms-bridge/main.js'],
  /** `report --period daily|weekly --prometheus <url>` */
  report: ['node', 'build/exporters/report/main.js'],
} as const;

/** Non-root user of the Node.js base image. */
export const NODE_UID = 1000;
