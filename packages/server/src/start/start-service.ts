import { type LogLevel, runEntryPoint } from '@tessera/config';
import { createLogger, type Logger } from '../logger.ts';
import { type FetchApp, type RunningServer, serve } from '../serve.ts';

/** What {@link startService} needs from a service's configuration. */
export type StartableConfig = {
  /** Port to listen on (`<SERVICE>_PORT`). */
  port: number;
  /** `HOST`: the interface to listen on; default that of `serve()`. */
  host?: string;
  /** `LOG_LEVEL`. */
  logLevel: LogLevel;
};

/**
 * A built service that is not listening yet: its app, how to release what it holds (database, key refreshes), and
 * optionally how to end its long-held responses when shutdown begins (`serve`'s `onDrain`).
 */
export type ServiceInstance = { app: FetchApp; close(): Promise<void>; drain?(): void };

/** Options of {@link startService}. */
export type StartServiceOptions<TConfig extends StartableConfig, TService extends ServiceInstance> = {
  /** The service's name, as its logs and its variables say it (`auth` → `AUTH_PORT`). */
  name: string;
  /** Reads the configuration; `.env` is loaded before. Throw a `ConfigError` to stop with a message. */
  loadConfig: () => TConfig;
  /** Opens the database (with its migrations) and builds the app, as tests do; nothing listens yet. */
  create: (config: TConfig, options: { logger: Logger }) => Promise<TService>;
  /** Extra fields of the log line that says the service is listening (never secrets). Default none. */
  describe?: (config: TConfig, service: TService) => Record<string, unknown>;
};

/**
 * Starts a service in its own process, and is the whole of its `main.ts`: loads `.env` and the configuration,
 * makes the logger, builds the service, listens on its port, and on SIGTERM drains the requests in flight and
 * closes the service. A configuration problem prints one message and exits 1 (`runEntryPoint`).
 */
export function startService<TConfig extends StartableConfig, TService extends ServiceInstance>(
  options: StartServiceOptions<TConfig, TService>,
): void {
  runEntryPoint(async () => {
    await launchService(options);
  });
}

/** {@link startService} without the process around it: resolves once the service listens. */
export async function launchService<TConfig extends StartableConfig, TService extends ServiceInstance>({
  name,
  loadConfig,
  create,
  describe,
}: StartServiceOptions<TConfig, TService>): Promise<{ config: TConfig; service: TService; server: RunningServer }> {
  const config = loadConfig();
  const logger = createLogger({ service: name, level: config.logLevel });
  const service = await create(config, { logger });
  let server: RunningServer;
  try {
    server = await serve(service.app, {
      port: config.port,
      ...(config.host === undefined ? {} : { hostname: config.host }),
      portVariable: `${name.toUpperCase()}_PORT`,
      logger,
      onDrain: () => service.drain?.(),
      onShutdown: () => service.close(),
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  logger.info(
    { ...describe?.(config, service), url: server.url, listening: server.listening },
    `${name} service listening on ${server.listening}`,
  );
  return { config, service, server };
}
