/**
 * A problem only the operator can fix: bad configuration, a database directory held by another process.
 * Entry points print its message alone, with no stack trace (see `runEntryPoint`).
 */
export class OperatorError extends Error {
  /** A stable code callers can switch on, like `config_invalid`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'OperatorError';
    this.code = code;
  }
}
