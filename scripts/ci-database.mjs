// Creates or drops the throwaway Postgres database that CI runs the suite against.
//   node scripts/ci-database.mjs create   → prints the new database's URL
//   node scripts/ci-database.mjs drop <url>
// The admin connection comes from PG_ADMIN_URL (default: the local trust-auth server).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const [command, target] = process.argv.slice(2);

const sql = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
try {
  if (command === 'create') {
    const name = `tessera_ci_${randomBytes(6).toString('hex')}`;
    await sql.unsafe(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    console.log(url.toString());
  } else if (command === 'drop' && target) {
    const name = new URL(target).pathname.slice(1);
    if (!/^tessera_ci_[0-9a-f]{12}$/.test(name)) throw new Error(`refusing to drop ${name}: not a CI database`);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    await sql.unsafe(`drop database if exists ${name}`);
  } else {
    console.error('usage: ci-database.mjs create | drop <url>');
    process.exitCode = 2;
  }
} finally {
  await sql.end({ timeout: 5 });
}
