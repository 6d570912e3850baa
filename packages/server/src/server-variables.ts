import type { Logger } from './logger.ts';

/** What `createApp` puts on every request's context: `c.var.requestId` and `c.var.log`. */
export type ServerVariables = {
  /** The request id, also sent back as `X-Request-Id`. */
  requestId: string;
  /** A child logger that tags every line with the request id. */
  log: Logger;
};
