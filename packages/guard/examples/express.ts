import { createVerifier } from '@tessera/guard';
import { bearerAuth, requireScope } from '@tessera/guard/express';
import express from 'express';

const authUrl = process.env.AUTH_URL ?? 'http://localhost:3000';
const verifier = createVerifier({
  issuer: authUrl,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwks: { url: `${authUrl}/api/auth/jwks` },
});

const app = express();
app.use('/v1', bearerAuth({ verifier }));
app.get('/v1/me', (req, res) => res.json({ subject: req.principal.subject, kind: req.principal.kind }));
app.get('/v1/reports', requireScope('reports:read'), (_req, res) => res.json({ reports: [] }));

app.listen(Number(process.env.PORT ?? 3002));
