// A Next.js route handler (app/v1/me/route.ts); the same function serves Bun, Deno and workers.
import { createVerifier, verifyRequest } from '@tessera/guard';

const authUrl = process.env.AUTH_URL ?? 'http://localhost:3000';
const verifier = createVerifier({
  issuer: authUrl,
  audience: 'tessera',
  algorithms: ['EdDSA'],
  jwks: { url: `${authUrl}/api/auth/jwks` },
});

export async function GET(request: Request): Promise<Response> {
  const auth = await verifyRequest(request, { verifier });
  if (!auth.ok) return auth.response;
  return Response.json({ subject: auth.principal.subject, kind: auth.principal.kind });
}
