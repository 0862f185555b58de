import 'reflect-metadata';
import { Logger, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HieConfig } from '@hie/config';
import { EngineModule, runsIntake } from './engine.module.js';
import { HieExceptionFilter } from './http/hie-exception.filter.js';
import { registerHl7BodyParser } from './http/hl7-body.parser.js';
import { MllpListener } from './intake/mllp-listener.service.js';
import { registerXmlBodyParser } from './intake/xml-body.parser.js';
import { registerDicomwebBodyParser } from './dicom/dicomweb-body.parser.js';

/** A started engine and where it listens. */
export interface RunningEngine {
  readonly app: INestApplicationContext;
  readonly mllp?: { host: string; port: number };
  readonly http?: { host: string; port: number };
  close(): Promise<void>;
}

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];

/** Nest log levels up to the configured one (`log` includes warn and error). */
export function logLevels(level: HieConfig['logLevel']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/**
 * Builds and starts the engine for its role: `intake` and `all` open the MLLP and HTTP
 * listeners; `worker` opens none and only consumes the queue. Port 0 picks free ports;
 * the bound ones are logged and returned.
 */
export async function startEngine(config: HieConfig, options: { shutdownHooks?: boolean } = {}): Promise<RunningEngine> {
  const logger = logLevels(config.logLevel);
  const app: INestApplicationContext = runsIntake(config)
    ? await NestFactory.create<NestFastifyApplication>(
        EngineModule.register(config),
        new FastifyAdapter({ bodyLimit: config.limits.maxFrameBytes }),
        { logger, abortOnError: false },
      )
    : await NestFactory.createApplicationContext(EngineModule.register(config), { logger, abortOnError: false });
  if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

  let http: { host: string; port: number } | undefined;
  if (isHttpApp(app, config)) {
    registerHl7BodyParser(app.getHttpAdapter().getInstance(), config.limits.maxFrameBytes);
    registerXmlBodyParser(app.getHttpAdapter().getInstance(), { maxBytes: config.limits.maxCdaBytes, maxReadBytes: config.limits.maxFrameBytes });
    registerDicomwebBodyParser(app.getHttpAdapter().getInstance());
    app.useGlobalFilters(new HieExceptionFilter());
    if (config.http.enabled) {
      await app.listen({ host: config.http.host, port: config.http.port });
      http = boundAddress(app, config.http.host);
      new Logger('HTTP').log(`listening on ${http.host}:${http.port}`);
    } else {
      await app.init();
    }
  } else {
    await app.init();
  }
  const mllp = runsIntake(config) ? app.get(MllpListener).address : undefined;
  if (config.role === 'intake' && config.queue.kind === 'in-process') {
    // An in-process queue is only seen by this process: without a worker role here, nothing converts.
    new Logger('Engine').warn('role intake with the in-process queue: set REDIS_URL so separate workers can convert');
  }
  new Logger('Engine').log(`ready ${JSON.stringify({ role: config.role, mllpPort: mllp?.port ?? null, httpPort: http?.port ?? null })}`);
  return { app, mllp, http, close: () => app.close() };
}

function isHttpApp(app: INestApplicationContext, config: HieConfig): app is NestFastifyApplication {
  return runsIntake(config);
}

function boundAddress(app: NestFastifyApplication, host: string): { host: string; port: number } {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address !== null ? { host, port: address.port } : { host, port: 0 };
}
