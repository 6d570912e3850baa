export { commonPasswords, COMMON_PASSWORD_MESSAGE } from './plugin.ts';
export { isCommonPassword } from './password-list.ts';
