/**
 * When Alertmanager notifies, derived from the config so that a firing alert repeats exactly every
 * `suppression.cooldownMinutes` (ALERT_COOLDOWN_MINUTES) and the Watchdog exactly every
 * `channels.heartbeat.repeatIntervalSeconds`.
 *
 * Alertmanager decides about a repeat only when an alert group flushes, every group_interval after
 * its first notification, and compares repeat_interval with the time since the previous
 * notification *finished sending* (its notification log entry). Two consequences:
 * - group_interval must divide the repeat period, or the repeat waits for the next flush after it
 *   (a 15-minute cooldown on a 6-minute grid repeated every 18 minutes);
 * - repeat_interval must be a little shorter than the period: at the flush exactly one period
 *   later, the previous send finished a few milliseconds after its own flush, so "a full
 *   repeat_interval ago" is not yet true and the repeat slips one more group_interval. The slack
 *   is half a group_interval, at most 30 s: far more than a send takes, far less than a flush.
 * With several Alertmanagers whose group timers are not aligned (after one restarts), another
 * replica's flush may come first: a repeat is then up to the slack early, never late.
 */
import type { ConfigProblem } from './errors.js';
import type { MonitoringConfig } from './types.js';

/** Never flush an alert group more often than this (Alertmanager's default group_interval). */
const MIN_GROUP_INTERVAL_MINUTES = 5;
/** The slack subtracted from a repeat period, at most. */
const MAX_REPEAT_SLACK_SECONDS = 30;

/** repeat_interval (seconds) for a repeat every `periodSeconds` on a `groupIntervalSeconds` grid. */
export function repeatIntervalFor(periodSeconds: number, groupIntervalSeconds: number): number {
  return periodSeconds - Math.min(groupIntervalSeconds / 2, MAX_REPEAT_SLACK_SECONDS);
}

/**
 * The group_interval range, in whole minutes, that keeps each alert group within
 * `maxAlertsPerHour` (at most one flush per 60 / max minutes) without waiting longer than needed:
 * from 5 minutes (or the cooldown, if shorter) to 60 / maxAlertsPerHour minutes (at least 5).
 */
export function groupIntervalRangeMinutes(config: MonitoringConfig): { min: number; max: number } {
  const cooldown = config.suppression.cooldownMinutes;
  return {
    min: Math.min(MIN_GROUP_INTERVAL_MINUTES, cooldown),
    max: Math.max(MIN_GROUP_INTERVAL_MINUTES, Math.ceil(60 / config.suppression.maxAlertsPerHour)),
  };
}

/**
 * group_interval of the alert routes (seconds): the configured override, else the largest whole
 * number of minutes within groupIntervalRangeMinutes that divides the cooldown. Undefined when none
 * does (validation reports it).
 */
export function alertGroupIntervalSeconds(config: MonitoringConfig): number | undefined {
  const override = config.alerting.routing.groupIntervalSeconds;
  if (override !== undefined) return override;
  const cooldown = config.suppression.cooldownMinutes;
  const { min, max } = groupIntervalRangeMinutes(config);
  for (let g = Math.min(max, cooldown); g >= min; g--) if (cooldown % g === 0) return g * 60;
  return undefined;
}

export interface NotificationTiming {
  /** group_interval of the alert routes. */
  groupIntervalSeconds: number;
  /** repeat_interval of the alert routes: the cooldown minus the slack. */
  repeatIntervalSeconds: number;
  /** repeat_interval of the Watchdog route. */
  heartbeatRepeatIntervalSeconds: number;
}

/** The timing Alertmanager is configured with; throws when the config cannot give exact repeats (validateConfig reports why first). */
export function notificationTiming(config: MonitoringConfig): NotificationTiming {
  const group = alertGroupIntervalSeconds(config);
  if (group === undefined) throw new Error(notificationTimingProblems(config).map((p) => `${p.where}: ${p.message}`).join('\n'));
  const { heartbeatGroupIntervalSeconds } = config.alerting.routing;
  return {
    groupIntervalSeconds: group,
    repeatIntervalSeconds: repeatIntervalFor(config.suppression.cooldownMinutes * 60, group),
    heartbeatRepeatIntervalSeconds: repeatIntervalFor(config.channels.heartbeat.repeatIntervalSeconds, heartbeatGroupIntervalSeconds),
  };
}

/** Cooldowns near `cooldown` that a group_interval in the range divides (for the error message). */
function nearbyCooldowns(cooldown: number, min: number, max: number): number[] {
  const fits = (c: number): boolean => {
    for (let g = Math.min(max, c); g >= Math.min(min, c); g--) if (c % g === 0) return true;
    return false;
  };
  const below = [...Array(cooldown).keys()].map((i) => cooldown - 1 - i).filter((c) => c >= 1 && fits(c)).slice(0, 2);
  const above = [...Array(60).keys()].map((i) => cooldown + 1 + i).filter(fits).slice(0, 2);
  return [...below.reverse(), ...above];
}

/** Why the config cannot repeat notifications exactly when it says; empty when it can. */
export function notificationTimingProblems(config: MonitoringConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const cooldown = config.suppression.cooldownMinutes;
  const override = config.alerting.routing.groupIntervalSeconds;
  if (override !== undefined) {
    if ((cooldown * 60) % override !== 0) {
      problems.push({
        where: 'alerting.routing.groupIntervalSeconds',
        message: `must divide the cooldown suppression.cooldownMinutes (${cooldown} min = ${cooldown * 60} s): Alertmanager repeats a firing alert only when its group flushes, every group_interval (got ${override})`,
      });
    }
  } else if (alertGroupIntervalSeconds(config) === undefined) {
    const { min, max } = groupIntervalRangeMinutes(config);
    const range = min === max ? `${min} minutes` : `between ${min} and ${max} minutes`;
    problems.push({
      where: 'suppression.cooldownMinutes',
      message:
        `Alertmanager repeats a firing alert only when its group flushes, every group_interval, so a ${cooldown}-minute repeat needs a group_interval that divides ${cooldown}; ` +
        `it must be ${range} (at least 5 to batch changes, at most 60 / suppression.maxAlertsPerHour to keep each group within the hourly cap) and no whole number of minutes there divides ${cooldown}. ` +
        `Use a nearby cooldown: ${nearbyCooldowns(cooldown, min, max).join(', ')} minutes (got ${cooldown})`,
    });
  }
  const beat = config.channels.heartbeat.repeatIntervalSeconds;
  const beatGroup = config.alerting.routing.heartbeatGroupIntervalSeconds;
  if (beat % beatGroup !== 0) {
    problems.push({
      where: 'channels.heartbeat.repeatIntervalSeconds',
      message: `must be a multiple of alerting.routing.heartbeatGroupIntervalSeconds (${beatGroup}): the Watchdog repeats only when its group flushes (got ${beat})`,
    });
  }
  return problems;
}
