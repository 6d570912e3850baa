import { serve } from '@hono/node-server';
import { bearerAuth, createVerifier, type GuardVariables, requireScope } from '@tessera/guard';
import { Hono } from 'hono';

const authUrl = process.env.AUTH_URL ?? 'http://localhost:3000';
const verifier = createVerifier({
  issuer: authUrl,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwks: { url: `${authUrl}/api/auth/jwks` },
});

const app = new Hono<{ Variables: GuardVariables }>();
app.use('/v1/*', bearerAuth({ verifier }));
app.get('/v1/me', (c) => c.json({ subject: c.var.principal.subject, kind: c.var.principal.kind }));
app.get('/v1/reports', requireScope('reports:read'), (c) => c.json({ reports: [] }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3002) });
