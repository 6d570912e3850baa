import { OperatorError } from './operator-error.ts';

/** One thing wrong with the configuration: which variable, and what is wrong with it. */
export type ConfigProblem = { variable: string; message: string };

/**
 * Thrown at start when the environment cannot be used. It lists every problem at once, so an operator
 * fixes the whole `.env` in one go instead of restarting once per mistake.
 */
export class ConfigError extends OperatorError {
  declare readonly code: 'config_invalid';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super('config_invalid', formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((problem) => `  - ${problem.variable}: ${problem.message}`);
  return ['Invalid configuration:', ...lines].join('\n');
}
