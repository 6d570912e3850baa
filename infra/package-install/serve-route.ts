// Serves the Next.js-style route handler (examples/web-request.ts) over plain Node HTTP, as a framework would.
import { serve } from '@hono/node-server';
import { GET } from './web-request.js';

serve({
  fetch: (request) => (new URL(request.url).pathname === '/v1/me' ? GET(request) : new Response(null, { status: 404 })),
  port: Number(process.env.PORT ?? 3002),
});
