import pino from 'pino';

/** Structured JSON logs; human-readable (pino-pretty) when stderr is a terminal. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): pino.Logger {
  const pretty = process.stderr.isTTY && process.env.LOG_FORMAT !== 'json';
  return pino(
    { level, base: undefined },
    pretty
      ? pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss' } })
      : pino.destination(2),
  );
}

export type Logger = pino.Logger;

export const silentLogger: Logger = pino({ level: 'silent' });
