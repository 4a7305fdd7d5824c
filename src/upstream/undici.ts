// undici's Agent and request() without undici's index, which loads the whole library
// (fetch, WebSocket, the caches, the mocks): about a fifth of a second of the start-up of
// every command that talks to the upstream, for two small parts. These are the very
// modules the index re-exports (undici has no exports map); test/upstream-client.test.ts
// checks that they still are, so an upgrade that moves them fails there, not in use.
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
export type Agent = Undici.Agent;

/** Dispatcher.prototype.request, which undici's index attaches to every dispatcher. */
export const dispatcherRequest = require('undici/lib/api/api-request') as (
  this: Undici.Dispatcher,
  opts: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Undici.Dispatcher.HttpMethod;
  dispatcher: Undici.Dispatcher;
};

/** undici's request(url, options) for a given dispatcher: the same call it makes. */
export function request(url: string, opts: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = opts;
  const u = new URL(url);
  return dispatcherRequest.call(dispatcher, {
    ...rest,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
    method: rest.method ?? (rest.body ? 'PUT' : 'GET'),
  });
}
