import { createVerifier } from '@tessera/guard';
import { bearerAuth, requireScope } from '@tessera/guard/fastify';
import Fastify from 'fastify';

const authUrl = process.env.AUTH_URL ?? 'http://localhost:3000';
const verifier = createVerifier({
  issuer: authUrl,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwks: { url: `${authUrl}/api/auth/jwks` },
});

const app = Fastify();
await app.register(bearerAuth, { verifier });
app.get('/v1/me', async (request) => ({ subject: request.principal.subject, kind: request.principal.kind }));
app.get('/v1/reports', { preHandler: requireScope('reports:read') }, async () => ({ reports: [] }));

await app.listen({ port: Number(process.env.PORT ?? 3002) });
