export { requireScope } from './require-scope.ts';
