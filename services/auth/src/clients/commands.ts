import { parseArgs } from 'node:util';
import { type OAuthClientInfo, OAuthClientInputError, type OAuthClientStore } from '../client-credentials/index.ts';
import { assertWritable, writeSecretFile } from './secret-file.ts';

/** Where a command writes; the CLI passes process.stdout/stderr, tests can collect the text. */
export type CommandOutput = { out(text: string): void; err(text: string): void };

/** Exit codes: 0 done, 1 the command failed (unknown client, invalid input), 2 bad usage. */
export type ExitCode = 0 | 1 | 2;

const USAGE = `Usage: npm run clients -w services/auth -- <command>

Commands:
  create <name> --scopes a,b [--audiences x,y] [--json] [--out <file>]
      Register a client for the client-credentials grant and print its secret (once).
      Without --audiences it may request any JWT_AUDIENCE and gets the default audience.
      --out writes the client as JSON, secret included, to <file> (mode 0600) instead; nothing is written
      when the command fails (e.g. the embedded database is in use by the running service).
  list [--json]
      List every client (never secrets).
  revoke <client_id>
      Revoke a client: it can no longer obtain tokens, and resource services following the revocation
      list refuse the ones already issued within a second.
`;

/** A mistake in the command line, answered with the usage text and exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'usage';
}

/** Opens the client store; called only once the command line is valid, so usage errors need no database. */
export type OpenStore = () => Promise<OAuthClientStore>;

/** Runs one `clients` command; returns the process exit code. */
export async function runClientsCommand(
  argv: string[],
  openStore: OpenStore,
  output: CommandOutput,
): Promise<ExitCode> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'create':
        return await create(rest, openStore, output);
      case 'list':
        return await list(rest, openStore, output);
      case 'revoke':
        return await revoke(rest, openStore, output);
      case 'help':
      case '--help':
      case '-h':
        output.out(USAGE);
        return 0;
      default:
        throw new UsageError(command === undefined ? 'missing command' : `unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof OAuthClientInputError) {
      output.err(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function create(args: string[], openStore: OpenStore, { out }: CommandOutput): Promise<ExitCode> {
  const { positionals, values } = parse(args, {
    scopes: { type: 'string' },
    audiences: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
  });
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError('create needs a client name');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')} (quote a name with spaces)`);
  if (values.scopes === undefined) throw new UsageError('create needs --scopes, e.g. --scopes tasks:read,tasks:write');
  if (values.out === '') throw new UsageError('--out needs a file name');
  // Checked before the client exists: a secret that cannot be stored would be lost.
  if (values.out !== undefined) assertWritable(values.out);

  const created = await (await openStore()).create({
    name,
    scopes: commaList(values.scopes),
    audiences: values.audiences === undefined ? undefined : commaList(values.audiences),
  });
  if (values.out !== undefined) {
    writeSecretFile(
      values.out,
      `${JSON.stringify({ ...publicFields(created.client), client_secret: created.clientSecret })}\n`,
    );
    out(
      `Created client "${created.client.name}" (client_id ${created.clientId}); its secret is in ${values.out} (mode 0600).\n`,
    );
    return 0;
  }
  if (values.json === true) {
    out(`${JSON.stringify({ ...publicFields(created.client), client_secret: created.clientSecret })}\n`);
    return 0;
  }
  out(
    [
      `Created client "${created.client.name}"`,
      `  client_id:     ${created.clientId}`,
      `  client_secret: ${created.clientSecret}`,
      `  scopes:        ${created.client.scopes.join(' ')}`,
      `  audiences:     ${audienceText(created.client)}`,
      '',
      'Store the secret now: only its hash is kept, so it will not be shown again.',
      '',
    ].join('\n'),
  );
  return 0;
}

async function list(args: string[], openStore: OpenStore, { out }: CommandOutput): Promise<ExitCode> {
  const { positionals, values } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`list takes no arguments: ${positionals.join(' ')}`);
  const clients = await (await openStore()).list();
  if (values.json === true) {
    out(`${JSON.stringify(clients.map(publicFields))}\n`);
    return 0;
  }
  if (clients.length === 0) {
    out('No clients yet. Create one with: npm run clients -w services/auth -- create <name> --scopes a,b\n');
    return 0;
  }
  const rows = clients.map((client) => [
    client.clientId,
    client.name,
    client.scopes.join(' '),
    audienceText(client),
    client.createdAt.toISOString(),
    client.revokedAt === null ? 'active' : `revoked ${client.revokedAt.toISOString()}`,
  ]);
  out(table(['CLIENT_ID', 'NAME', 'SCOPES', 'AUDIENCES', 'CREATED', 'STATUS'], rows));
  return 0;
}

async function revoke(args: string[], openStore: OpenStore, { out, err }: CommandOutput): Promise<ExitCode> {
  const { positionals } = parse(args, {});
  const [clientId, ...extra] = positionals;
  if (clientId === undefined || extra.length > 0) throw new UsageError('revoke needs exactly one client_id');
  const revoked = await (await openStore()).revoke(clientId);
  if (revoked === undefined) {
    err(`error: no client with client_id ${JSON.stringify(clientId)}\n`);
    return 1;
  }
  out(`Revoked client ${revoked.clientId} ("${revoked.name}") at ${revoked.revokedAt?.toISOString()}\n`);
  return 0;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function parse<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains unknown options and missing values well; keep its words, drop its error type.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function audienceText(client: OAuthClientInfo): string {
  return client.audiences === null ? '(default: JWT_AUDIENCE)' : client.audiences.join(' ');
}

function publicFields(client: OAuthClientInfo) {
  return {
    client_id: client.clientId,
    name: client.name,
    scopes: client.scopes,
    audiences: client.audiences,
    created_at: client.createdAt.toISOString(),
    revoked_at: client.revokedAt?.toISOString() ?? null,
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `${cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  return [header, ...rows].map(line).join('');
}
