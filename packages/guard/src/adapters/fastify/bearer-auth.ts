import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AuthFailureResponse } from '../../http/auth-failure-response.ts';
import { authFailureResponse } from '../../http/auth-failure-response.ts';
import { authenticate, outcomeOf } from '../../http/authenticate.ts';
import type { GuardOptions } from '../../http/guard-options.ts';
import { resolveGuardOptions } from '../../http/guard-options.ts';
import { realmOf, rememberRealm } from '../../http/request-realm.ts';
import { scopeRequirement } from '../../http/scope-requirement.ts';
import type { Principal } from '../../principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the `bearerAuth` plugin from `@tessera/guard/fastify` on the routes behind it. */
    principal: Principal;
  }
}

/** `bearerAuth` options: `verifier` (required), `realm` (default `'tessera'`), `onOutcome(outcome, request)`. */
export type FastifyBearerAuthOptions = GuardOptions<FastifyRequest>;

/**
 * Fastify plugin that admits only requests with a valid bearer token in the `Authorization` header and sets
 * `request.principal`. It guards the context it is registered in (the whole app at the root, or one
 * `register`ed scope), as fastify-plugin would. Refusals answer exactly as the Hono middleware.
 */
const plugin: FastifyPluginAsync<FastifyBearerAuthOptions> = async (fastify, options) => {
  const { verifier, realm, report } = resolveGuardOptions(options, 'bearerAuth');
  if (!fastify.hasRequestDecorator('principal')) fastify.decorateRequest('principal', null as unknown as Principal);

  fastify.addHook('onRequest', async function bearerAuth(request, reply) {
    const authentication = await authenticate(verifier, request.headers.authorization);
    report(outcomeOf(authentication), request);
    rememberRealm(request, realm);
    if (authentication.failure !== undefined) return send(reply, authFailureResponse(authentication.failure, realm));
    request.principal = authentication.principal;
  });
};

// Not encapsulated: the hook applies where the plugin is registered (what fastify-plugin sets, without the dependency).
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: '@tessera/guard' });

export const bearerAuth = plugin;

/**
 * A `preHandler` for a route behind `bearerAuth` that requires every listed scope in the token; else 403
 * `insufficient_scope` naming them (RFC 6750 §3.1), in the realm `bearerAuth` used.
 */
export function requireScope(...scopes: string[]): preHandlerAsyncHookHandler {
  const check = scopeRequirement(scopes);

  return async function requireScope(request, reply) {
    const principal = request.principal as Principal | null;
    // A route wired without bearerAuth is a programming error: fail loudly rather than admit or deny silently.
    if (principal === null || principal === undefined) throw new Error('requireScope must run after bearerAuth');
    const failure = check(principal);
    if (failure !== undefined) return send(reply, authFailureResponse(failure, realmOf(request)));
  };
}

/**
 * Writes a framework-free answer out as it is (bytes, so Fastify appends no charset); returning the reply tells
 * Fastify the request is answered.
 */
function send(reply: FastifyReply, answer: AuthFailureResponse): FastifyReply {
  return reply
    .code(answer.status)
    .headers(answer.headers)
    .send(Buffer.from(JSON.stringify(answer.body)));
}
