/**
 * What the HTTP instrumentation keeps about a request in flight: when it started, and the route
 * template a framework adapter found for it.
 *
 * The zero-layer mode keeps it on a record per connection, not on the request: adding a property
 * to every request object makes V8 migrate the object to a new map on every request. It also
 * reads the method when the request starts: Express gives every request object a map of its own
 * (it swaps the prototype), so each property read after routing is a full lookup (~100 ns here).
 * The middleware keeps the start in its 'close' listener.
 *
 * Symbols, so nothing collides with the app's own properties; registered ones (Symbol.for), so two
 * copies of the library in one process agree.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** A route template stamped on a request the zero-layer mode does not track. */
export const kRouteTemplate: unique symbol = Symbol.for('immigration-ai.http.route-template');
/** The zero-layer mode's record of a connection. */
export const kConnection: unique symbol = Symbol.for('immigration-ai.http.connection');

/** The status recorded when the client left before the response was sent, as nginx logs it. */
export const CLIENT_CLOSED_REQUEST = 499;

export interface TrackedRequest extends IncomingMessage {
  [kRouteTemplate]?: string;
}

export interface InFlight {
  req: IncomingMessage;
  method: string | undefined;
  start: number;
  template: string | undefined;
}

/**
 * The requests of one connection whose response has not finished, oldest first. HTTP/1.1 answers
 * in request order, so almost always there is one (`current`); pipelined ones wait in `queued`.
 * Fixed shape, reused for every request of the connection: no allocation per request.
 */
export class ConnectionRequests {
  current: IncomingMessage | undefined = undefined;
  method: string | undefined = undefined;
  start = 0;
  template: string | undefined = undefined;
  queued: InFlight[] | undefined = undefined;

  add(req: IncomingMessage, method: string | undefined, start: number): void {
    if (this.current === undefined) {
      this.current = req;
      this.method = method;
      this.start = start;
      this.template = undefined;
    } else {
      (this.queued ??= []).push({ req, method, start, template: undefined });
    }
  }

  /** Stamps `template` on `req` if it is in flight here; false otherwise. */
  stamp(req: IncomingMessage, template: string | undefined): boolean {
    if (this.current === req) {
      this.template = template;
      return true;
    }
    const q = this.queued?.find((e) => e.req === req);
    if (q) q.template = template;
    return q !== undefined;
  }

  /** Makes the oldest queued request the current one (after `current` finished). */
  shift(): void {
    const next = this.queued?.shift();
    this.current = next?.req;
    this.method = next?.method;
    this.start = next?.start ?? 0;
    this.template = next?.template;
  }

  /** Empties the record; returns the requests that were in flight, oldest first. */
  drain(): InFlight[] {
    const left: InFlight[] = this.current ? [{ req: this.current, method: this.method, start: this.start, template: this.template }, ...(this.queued ?? [])] : [];
    this.current = undefined;
    this.template = undefined;
    this.queued = undefined;
    return left;
  }

  has(req: IncomingMessage): boolean {
    return this.current === req || (this.queued?.some((e) => e.req === req) ?? false);
  }
}

export interface TrackedSocket extends Socket {
  [kConnection]?: ConnectionRequests;
}

/** The zero-layer mode's record of the connection `req` arrived on, if it tracks it. */
export const connectionOf = (req: IncomingMessage): ConnectionRequests | undefined => (req.socket as TrackedSocket | null)?.[kConnection];

/**
 * Names the route template of `req` for the HTTP metrics, from a framework's routing hook: the way
 * to support a framework the library does not know (Koa, Hapi...). Call it before the response
 * finishes; `template` must be a template (`/api/documents/:id`), never the raw path.
 */
export function setRouteTemplate(req: IncomingMessage, template: string | undefined): void {
  if (connectionOf(req)?.stamp(req, template)) return;
  (req as TrackedRequest)[kRouteTemplate] = template;
}
