// There is no Docker engine or cluster in CI, so these tests hold the deployment files to the code instead:
// a variable, port, probe or workspace that drifts out of step fails here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Manifest = {
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};
type Container = {
  image?: string;
  ports?: { name?: string; containerPort?: number }[];
  env?: { name: string }[];
  readinessProbe?: { httpGet?: { path?: string } };
  livenessProbe?: { httpGet?: { path?: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
};

function manifests(): Manifest[] {
  const dir = join(root, 'infra/k8s');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as Manifest));
}

function containersOf(deployment: Manifest): Container[] {
  const template = deployment.spec?.['template'] as { spec: { containers: Container[] } };
  return template.spec.containers;
}

/** Every env var name the services and packages read: the keys of their zod env schemas and process.env lookups. */
function variablesReadByCode(): Set<string> {
  const sources = ['services', 'packages', 'examples']
    .flatMap((top) => readdirSync(join(root, top)).map((name) => join(root, top, name)))
    .flatMap((dir) => ['src', 'vite.config.ts'].map((part) => join(dir, part)))
    .filter(existsSync)
    .flatMap((path) =>
      path.endsWith('.ts')
        ? [path]
        : readdirSync(path, { recursive: true, encoding: 'utf8' }).map((file) => join(path, file)),
    )
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
  const names = new Set<string>();
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    // Names with an underscore anywhere, and any upper-case key of a zod env schema or `env.NAME` read.
    for (const match of text.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|NODE_ENV|DATA_DIR|HOST)\b/g))
      names.add(match[1]!);
    for (const match of text.matchAll(/(?:^\s*|env\.)([A-Z][A-Z0-9]+)\b(?=\s*[:?|)&;,}]|\s*$)/gm)) names.add(match[1]!);
  }
  return names;
}

const documented = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

describe('.env.example', () => {
  it('documents only variables the code reads', () => {
    const read = variablesReadByCode();
    const unknown = [...documented].filter((name) => !read.has(name) && name !== 'TEST_DATABASE_URL');
    expect(unknown).toEqual([]);
  });

  it('documents every variable in the architecture contract', () => {
    for (const name of [
      'AUTH_PORT',
      'TASKS_PORT',
      'AUTH_URL',
      'AUTH_ISSUER',
      'JWT_AUDIENCE',
      'JWT_TTL',
      'JWT_ALG',
      'JWT_MODE',
      'JWT_SECRET',
      'BETTER_AUTH_SECRET',
      'AUTH_DATABASE_URL',
      'TASKS_DATABASE_URL',
      'DATA_DIR',
      'TRUSTED_ORIGINS',
      'TEST_DATABASE_URL',
    ]) {
      expect(documented, name).toContain(name);
    }
  });
});

describe('docker compose', () => {
  const compose = parseAllDocuments(read('infra/compose.yaml'))[0]!.toJS() as {
    services: Record<string, { environment?: Record<string, string>; build?: { args?: { SERVICE?: string } } }>;
  };

  it('sets only documented variables on the services', () => {
    for (const name of ['auth', 'tasks']) {
      const variables = Object.keys(compose.services[name]?.environment ?? {});
      expect(variables.length).toBeGreaterThan(0);
      expect(variables.filter((v) => !documented.has(v))).toEqual([]);
    }
  });

  it('publishes no Postgres port on the host, and says to pass the root .env', () => {
    const postgres = (compose.services as Record<string, { ports?: unknown }>).postgres;
    expect(postgres).toBeDefined();
    expect(postgres?.ports).toBeUndefined();
    expect(read('infra/compose.yaml')).toContain('docker compose --env-file .env -f infra/compose.yaml up --build');
  });

  it('builds each service from its own folder', () => {
    for (const name of ['auth', 'tasks']) {
      expect(compose.services[name]?.build?.args?.SERVICE).toBe(name);
      expect(existsSync(join(root, 'services', name, 'src/main.ts'))).toBe(true);
    }
  });
});

describe('Dockerfile', () => {
  it("copies every workspace's package.json before npm ci", () => {
    const dockerfile = read('infra/docker/Dockerfile');
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces
      .flatMap((pattern) =>
        pattern.endsWith('/*') && !existsSync(join(root, pattern.slice(0, -2)))
          ? []
          : pattern.endsWith('/*')
            ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
            : [pattern],
      )
      .filter((dir) => existsSync(join(root, dir, 'package.json')));
    for (const dir of workspaces) expect(dockerfile, dir).toContain(`COPY ${dir}/package.json ${dir}/`);
  });
});

describe('Kubernetes manifests', () => {
  const all = manifests();
  const config = all.find((m) => m.kind === 'ConfigMap')!;
  const deployments = all.filter((m) => m.kind === 'Deployment');

  it('has a hardened Deployment with probes for each service', () => {
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual(['auth', 'tasks']);
    for (const deployment of deployments) {
      const [container] = containersOf(deployment);
      expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container?.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
    }
  });

  it('points each container port at the port its service listens on', () => {
    for (const deployment of deployments) {
      const [container] = containersOf(deployment);
      const portVariable = `${deployment.metadata!.name!.toUpperCase()}_PORT`;
      const declared = container?.env?.find((e) => e.name === portVariable) as { value?: string } | undefined;
      expect(Number(declared?.value)).toBe(container?.ports?.[0]?.containerPort);
    }
  });

  it('sets only documented variables', () => {
    const names = [
      ...Object.keys(config.data ?? {}),
      ...deployments.flatMap((d) => containersOf(d).flatMap((c) => (c.env ?? []).map((e) => e.name))),
    ];
    expect(names.filter((name) => !documented.has(name))).toEqual([]);
  });

  const hasKubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  if (!hasKubectl) {
    console.warn(
      [
        '!'.repeat(76),
        '!! kubectl is not installed: `kubectl kustomize infra/k8s` is NOT checked.',
        '!! Install it (apt-get install kubectl; .ci/run does) to render the manifests.',
        '!'.repeat(76),
      ].join('\n'),
    );
  }

  it.skipIf(!hasKubectl)(
    'renders with kustomize: every kind, the Ingress on both Services, images from the registry',
    () => {
      const rendered = execFileSync('kubectl', ['kustomize', join(root, 'infra/k8s')], { encoding: 'utf8' });
      const documents = parseAllDocuments(rendered).map(
        (doc) => doc.toJS() as Manifest & { metadata?: { namespace?: string } },
      );
      expect(documents.map((document) => document.kind)).toEqual(
        expect.arrayContaining([
          'Namespace',
          'ConfigMap',
          'Deployment',
          'Service',
          'NetworkPolicy',
          'Ingress',
          'HorizontalPodAutoscaler',
          'PodDisruptionBudget',
        ]),
      );
      const ingress = documents.find((document) => document.kind === 'Ingress');
      const backends = JSON.stringify(ingress?.spec).match(/"service":\{"name":"(\w+)"/g);
      expect(backends).toEqual(['"service":{"name":"auth"', '"service":{"name":"tasks"']);
      for (const deployment of documents.filter((document) => document.kind === 'Deployment')) {
        expect(containersOf(deployment)[0]?.image).toMatch(/^registry\.example\.com\/tessera\/(auth|tasks):/);
      }
    },
  );

  it('takes the public AUTH_URL from config.yaml only, and names no namespace in a service URL', () => {
    expect(config.data?.AUTH_URL).toMatch(/^https:\/\//);
    const auth = containersOf(deployments.find((d) => d.metadata?.name === 'auth')!)[0];
    expect((auth?.env ?? []).map((e) => e.name)).not.toContain('AUTH_URL');
    const tasks = containersOf(deployments.find((d) => d.metadata?.name === 'tasks')!)[0];
    const jwksFrom = (tasks?.env?.find((e) => e.name === 'AUTH_URL') as { value?: string } | undefined)?.value;
    expect(jwksFrom).toBe('http://auth');
    for (const file of readdirSync(join(root, 'infra/k8s')))
      expect(read(`infra/k8s/${file}`), file).not.toMatch(/\.svc\b|\.tessera\b/);
  });
});
