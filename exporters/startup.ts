/**
 * How a service fails at start: one line per problem on stderr, prefixed with the service name,
 * and exit code 2, never a stack trace (a stack trace tells an operator nothing about the setting
 * to fix, and may quote a value).
 */
import { ConfigError } from './health-exporter/config.js';

/** The lines to print for an error thrown while starting: config problems one by one, listen errors in words. */
export function startupProblems(e: unknown, listen?: { host: string; port: number }): string[] {
  if (e instanceof ConfigError) return e.problems;
  const err = e as NodeJS.ErrnoException;
  const where = listen ? `${listen.host}:${listen.port}` : 'the address';
  switch (err?.code) {
    case 'EADDRINUSE':
      return [`PORT: ${where} is already in use by another process; stop it or set another PORT`];
    case 'EACCES':
      return [`PORT: not allowed to listen on ${where} (ports below 1024 need privileges); set PORT to 1024 or above`];
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return [`HOST: cannot listen on ${where} (${err.code}): use an address of this machine, such as 0.0.0.0 or 127.0.0.1`];
    default:
      // An unexpected failure: its kind and code, not its message (which may quote a setting's value).
      return [`failed to start (${err?.name ?? 'Error'}${typeof err?.code === 'string' ? ` ${err.code}` : ''})`];
  }
}

/** Prints the problems of `e` and exits with code 2. */
export function failStart(service: string, e: unknown, listen?: { host: string; port: number }): never {
  process.stderr.write(startupProblems(e, listen).map((p) => `${service}: ${p}\n`).join(''));
  process.exit(2);
}
