/**
 * The zero-layer mode: Node (>= 18.7, 20 here) publishes `http.server.request.start` (before the
 * server's 'request' event) and `http.server.response.finish` (when a response's last byte is
 * handed to the OS) for every HTTP and HTTPS server, with the raw request, response, socket and
 * server. Subscribing to both times every request without a middleware layer or a wrapped handler;
 * the route template is read at finish, after the framework has routed.
 *
 * The start time waits on a record per connection (request-state.ts), not on the request object.
 * Node publishes nothing when a client leaves before its response finished; the record knows which
 * requests are still in flight, and one 'close' listener per connection (not per request) records
 * them as 499 when the connection closes, like the middleware does.
 *
 * Fastify keeps the matched route on its own request object: every Fastify instance created after
 * `subscribe()` gets one root `onRequest` hook (via Fastify's `fastify.initialization` channel)
 * that copies the template onto the raw request.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyLikeInstance, FastifyOnRequestHook } from './fastify.js';
import { CLIENT_CLOSED_REQUEST, ConnectionRequests, kConnection, type TrackedSocket } from './request-state.js';

export const REQUEST_START_CHANNEL = 'http.server.request.start';
export const RESPONSE_FINISH_CHANNEL = 'http.server.response.finish';
export const FASTIFY_INIT_CHANNEL = 'fastify.initialization';

export interface SubscribeOptions {
  /** Which servers to record (default: all), e.g. to leave out an internal admin listener. */
  servers?: (server: Server) => boolean;
}

/** What the channels' messages carry (Node's docs: "HTTP" under diagnostics_channel). */
interface ServerMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  server: Server;
}

/** The part of HttpInstrumentation this module drives (the shared hot path). */
export interface RequestRecorder {
  /** False for requests not to be recorded (scrapes, probes). */
  isRecorded(req: IncomingMessage): boolean;
  /** Records an answered request (499: its client left) that started at `start` (performance.now()). */
  finish(req: IncomingMessage, method: string | undefined, statusCode: number, start: number, stampedTemplate: string | undefined): void;
}

/** Set while subscribed. A module variable, read on every request. */
let active: { recorder: RequestRecorder; servers: ((server: Server) => boolean) | undefined; fastifyHook: FastifyOnRequestHook } | undefined;
/**
 * Process-wide flag (a registered symbol on globalThis), so that two copies of this module (a
 * bundled and an installed one, or jest's per-file module registries) cannot both record.
 */
const OWNER = Symbol.for('immigration-ai.http.zero-layer');
const globals = globalThis as unknown as Record<symbol, unknown>;

function onRequestStart(message: unknown): void {
  const a = active;
  if (a === undefined) return;
  const m = message as ServerMessage;
  if (a.servers !== undefined && !a.servers(m.server)) return;
  const req = m.request;
  if (!a.recorder.isRecorded(req)) return;
  const socket = m.socket as TrackedSocket;
  let connection = socket[kConnection];
  if (connection === undefined) {
    connection = new ConnectionRequests();
    socket[kConnection] = connection;
    socket.on('close', onSocketClose);
  }
  connection.add(req, req.method, performance.now());
}

function onResponseFinish(message: unknown): void {
  const m = message as ServerMessage;
  const connection = (m.socket as TrackedSocket)[kConnection];
  if (connection === undefined) return;
  // Responses on a connection finish in request order (HTTP/1.1 pipelining included): a finished
  // response that is not the oldest in flight is one this mode did not time (ignored path).
  if (connection.current !== m.request) return;
  const { method, start, template } = connection;
  connection.shift();
  active?.recorder.finish(m.request, method, m.response.statusCode, start, template);
}

/** The client (or the app, with res.destroy()) closed the connection: what is left went unanswered. */
function onSocketClose(this: TrackedSocket): void {
  const connection = this[kConnection];
  if (connection === undefined || connection.current === undefined) return;
  const recorder = active?.recorder;
  for (const e of connection.drain()) recorder?.finish(e.req, e.method, CLIENT_CLOSED_REQUEST, e.start, e.template);
}

function onFastifyInitialization(message: unknown): void {
  const a = active;
  if (a === undefined) return;
  (message as { fastify: FastifyLikeInstance }).fastify.addHook('onRequest', a.fastifyHook);
}

/**
 * Turns the zero-layer mode on for `recorder`; returns the function that turns it off. One
 * recorder per process: a second call fails until the first is turned off.
 */
export function subscribeServers(recorder: RequestRecorder, fastifyHook: FastifyOnRequestHook, options: SubscribeOptions = {}): () => void {
  if (globals[OWNER] !== undefined) {
    throw new Error(
      'HttpInstrumentation.subscribe(): the zero-layer mode is already on in this process; it records every server, so one instrumentation is enough (call the function the first subscribe() returned to turn it off first)',
    );
  }
  const token = {};
  globals[OWNER] = token;
  active = { recorder, servers: options.servers, fastifyHook };
  subscribe(REQUEST_START_CHANNEL, onRequestStart);
  subscribe(RESPONSE_FINISH_CHANNEL, onResponseFinish);
  subscribe(FASTIFY_INIT_CHANNEL, onFastifyInitialization);
  return () => {
    if (globals[OWNER] !== token) return;
    unsubscribe(REQUEST_START_CHANNEL, onRequestStart);
    unsubscribe(RESPONSE_FINISH_CHANNEL, onResponseFinish);
    unsubscribe(FASTIFY_INIT_CHANNEL, onFastifyInitialization);
    active = undefined;
    delete globals[OWNER];
  };
}
