import { Logger } from '@nestjs/common';
import type { PipelineLogger } from '@hie/pipeline';

/** Adapts Nest's logger to the pipeline's logger port (pipeline logs carry no PHI). */
export function pipelineLogger(context: string): PipelineLogger {
  const logger = new Logger(context);
  return {
    log: (m) => logger.log(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  };
}
