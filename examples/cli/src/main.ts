// The Tessera tasks CLI: npm run tasks -- login|logout|ls|add <title>|done <id>|rm <id>
import { cliEnvironment, describeFailure, runCommand } from './tasks-cli.ts';

const environment = cliEnvironment();
try {
  await runCommand(process.argv.slice(2), environment, (line) => console.log(line));
} catch (error) {
  console.error(describeFailure(error, environment));
  process.exitCode = 1;
}
