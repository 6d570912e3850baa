export { capturingLogger } from './capturing-logger.ts';
export type { TcpProxy } from './tcp-proxy.ts';
export { startTcpProxy } from './tcp-proxy.ts';
export { unusedPort } from './unused-port.ts';
