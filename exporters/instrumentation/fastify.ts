/**
 * Fastify support: Fastify routes on its own router and keeps the matched route on its request
 * object, which the raw `IncomingMessage` does not point back to. One `onRequest` hook, first in
 * the root instance so it runs before any hook that may answer early (auth, rate limits), copies
 * the route template onto the raw request, where the shared hot path reads it at response finish.
 *
 * Typed structurally: the library has no runtime dependency on Fastify.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setRouteTemplate } from './request-state.js';

/** The parts of Fastify's request, reply and instance this module uses. */
export interface FastifyLikeRequest {
  raw: IncomingMessage;
  routeOptions: { url?: string };
}
export interface FastifyLikeReply {
  raw: ServerResponse;
}
export type FastifyOnRequestHook = (request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void) => void;
export interface FastifyLikeInstance {
  addHook(name: 'onRequest', hook: FastifyOnRequestHook): unknown;
}
/** A Fastify plugin that Fastify does not encapsulate (what the fastify-plugin package produces). */
export type FastifyPlugin = ((instance: FastifyLikeInstance, options: unknown, done: (err?: Error) => void) => void) & {
  [key: symbol]: unknown;
};

/**
 * Copies the route template onto the raw request. Fastify's 404 handler has no URL: those stay
 * unnamed and fall back to the declared templates, then `unmatched`.
 */
export const stampFastifyRoute: FastifyOnRequestHook = (request, _reply, done) => {
  setRouteTemplate(request.raw, request.routeOptions.url);
  done();
};

/**
 * A plugin adding `hook` to the instance it is registered on, unencapsulated (Fastify's
 * `skip-override`), so it covers the routes of every child plugin too.
 */
export function rootHookPlugin(name: string, hook: FastifyOnRequestHook): FastifyPlugin {
  const plugin = (instance: FastifyLikeInstance, _options: unknown, done: (err?: Error) => void): void => {
    instance.addHook('onRequest', hook);
    done();
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
