/**
 * What the HTTP instrumentation keeps on a request while it is in flight: when it started, and the
 * route template a framework adapter found for it. Symbols, so nothing collides with the app's own
 * properties; registered ones (Symbol.for), so two copies of the library in one process agree.
 */
import type { IncomingMessage } from 'node:http';

/** performance.now() when the request started; NOT_RECORDED once recorded or when ignored. */
export const kStart: unique symbol = Symbol.for('immigration-ai.http.start');
/** The route template an adapter stamped on the raw request (Fastify, or the app itself). */
export const kRouteTemplate: unique symbol = Symbol.for('immigration-ai.http.route-template');

export const NOT_RECORDED = -1;
/** The status recorded when the client left before the response was sent, as nginx logs it. */
export const CLIENT_CLOSED_REQUEST = 499;

export interface TrackedRequest extends IncomingMessage {
  [kStart]?: number;
  [kRouteTemplate]?: string;
}

/**
 * Names the route template of `req` for the HTTP metrics, from a framework's routing hook: the way
 * to support a framework the library does not know (Koa, Hapi...). Call it before the response
 * finishes; `template` must be a template (`/api/documents/:id`), never the raw path.
 */
export function setRouteTemplate(req: IncomingMessage, template: string | undefined): void {
  (req as TrackedRequest)[kRouteTemplate] = template;
}
