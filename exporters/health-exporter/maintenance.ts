/**
 * Maintenance mode, published as `immigration_ai_maintenance_mode` so alert rules can inhibit
 * pages during planned work. MAINTENANCE_MODE (true/false) sets it at start; MAINTENANCE_MODE_FILE
 * names a file read at every scrape, so operators (or a ConfigMap edit) toggle it without a
 * restart: content "1", "on" or "true" means on, anything else off; a missing file falls back to
 * MAINTENANCE_MODE.
 */
import { readFileSync } from 'node:fs';

const ON = new Set(['1', 'on', 'true', 'yes']);

export function maintenanceOn(envValue: boolean, file?: string): boolean {
  if (!file) return envValue;
  try {
    return ON.has(readFileSync(file, 'utf8').trim().toLowerCase());
  } catch {
    return envValue;
  }
}
