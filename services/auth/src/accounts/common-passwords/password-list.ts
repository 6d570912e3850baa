import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The most common passwords of the public breach corpora, as zxcvbn-ts ships them (about 49,000, in lower
 * case, most frequent first), read once at start. No network call: the list is part of the installed package.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/**
 * Whether `password` is on the list of commonly breached passwords, ignoring case (`Password1` is as guessable
 * as `password1`). NIST SP 800-63B §5.1.1.2: "values known to be commonly-used, expected, or compromised".
 */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
