/**
 * Log levels, most verbose first.
 * @see https://nodejs.org/api/console.html
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * What openmeter-local logs through: one method per level, a message and optional structured
 * fields. Pass `console` or your own; the API key is never passed to it.
 * @see https://nodejs.org/api/console.html
 */
export interface OpenMeterLocalLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/**
 * Creates a logger writing one line per message to stderr (`time level message {fields}`),
 * dropping messages below `level`; `now` is the clock of the time, default `() => new Date()`.
 * @see https://nodejs.org/api/process.html#processstderr
 */
export function createLogger({
  level,
  write = (line) => process.stderr.write(`${line}\n`),
  now = () => new Date(),
}: {
  level: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}): OpenMeterLocalLogger {
  const emit =
    (messageLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: Record<string, unknown>) => {
      if (ORDER[messageLevel] < ORDER[level]) return;
      const suffix = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
      write(`${now().toISOString()} ${messageLevel} ${message}${suffix}`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * A logger that drops everything: the default of `startOpenMeterLocal`.
 * @see https://nodejs.org/api/console.html
 */
export const silentLogger: OpenMeterLocalLogger = createLogger({ level: 'silent' });
