/**
 * The route template of an Express 4 or 5 request, read after routing: the matched route's path,
 * prefixed by the path its router is mounted on.
 *
 * Express reports that mount path as it matched (`req.baseUrl`), values included: a router mounted
 * on `/api/users/:userId` gives `/api/users/jane/...`, a user's name in a label. So `req.baseUrl`
 * is used only when no router of the app is mounted on a path with parameters (checked once per
 * app from its router stack); otherwise such requests are left to the declared templates.
 *
 * Typed structurally: no runtime dependency on Express.
 */
import type { IncomingMessage } from 'node:http';

interface LayerLike {
  route?: unknown;
  handle?: { stack?: unknown };
  /** Express 4: the parameters of the layer's path. */
  keys?: unknown[];
  /** Express 5 (router 2): the path as declared. */
  rawPath?: unknown;
}
interface AppLike {
  _router?: { stack?: LayerLike[] };
  router?: { stack?: LayerLike[] };
}
export interface ExpressLikeRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
  app?: AppLike;
}

/** A mount path with parameters (`:id`, `*name`, `{...}`, a RegExp or an array: not a fixed string). */
function parameterizedMount(layer: LayerLike): boolean {
  if (Array.isArray(layer.keys)) return layer.keys.length > 0; // Express 4
  const p = layer.rawPath;
  return typeof p !== 'string' || /[:*{(]/.test(p); // Express 5
}

function stackOf(app: AppLike): LayerLike[] | undefined {
  // Express 4 keeps the router in app._router, Express 5 in app.router; reading app.router on
  // Express 4 throws (a removed API), so test _router first.
  if ('_router' in app) return app._router?.stack;
  return app.router?.stack;
}

function hasParameterizedMount(stack: LayerLike[], depth = 0): boolean {
  for (const layer of stack) {
    if (layer.route !== undefined) continue;
    const sub = layer.handle?.stack;
    if (!Array.isArray(sub)) continue; // a middleware, not a router
    if (parameterizedMount(layer) || (depth < 16 && hasParameterizedMount(sub as LayerLike[], depth + 1))) return true;
  }
  return false;
}

/** Per app: whether req.baseUrl can carry values, recomputed when the app's stack grows. */
const mountsOf = new WeakMap<object, { layers: number; parameterized: boolean }>();

function baseUrlIsTemplate(app: AppLike | undefined): boolean {
  if (app === undefined || app === null || (typeof app !== 'object' && typeof app !== 'function')) return false;
  let stack: LayerLike[] | undefined;
  try {
    stack = stackOf(app);
  } catch {
    return false;
  }
  if (!Array.isArray(stack)) return false;
  const cached = mountsOf.get(app);
  if (cached && cached.layers === stack.length) return !cached.parameterized;
  const parameterized = hasParameterizedMount(stack);
  mountsOf.set(app, { layers: stack.length, parameterized });
  return !parameterized;
}

/** The template of an Express request, or undefined (no route matched, or an unsafe mount path). */
export function expressTemplate(req: IncomingMessage): string | undefined {
  const er = req as ExpressLikeRequest;
  const routePath = er.route?.path;
  if (typeof routePath !== 'string') return undefined;
  const baseUrl = er.baseUrl ?? '';
  if (baseUrl === '') return routePath || '/';
  return baseUrlIsTemplate(er.app) ? `${baseUrl}${routePath}` : undefined;
}
