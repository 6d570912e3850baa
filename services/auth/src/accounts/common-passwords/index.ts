export { isCommonPassword } from './password-list.ts';
export { COMMON_PASSWORD_MESSAGE, commonPasswords } from './plugin.ts';
