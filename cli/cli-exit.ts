import { readFileSync } from 'node:fs';
import { oneLine } from '../runtime/messages';

/** A CLI command ending with an exit code and the lines to print for it (one `error:` line each). */
export class CliExit extends Error {
  constructor(readonly code: number, readonly lines: string[]) {
    super(lines.join('; '));
  }
}

export function fail(code: number, ...lines: string[]): never {
  throw new CliExit(code, lines);
}

/** Runs `parse`; what it throws is a usage error (exit 2) of one line. */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    fail(2, (error as Error).message);
  }
}

/** A file's text; a file that cannot be read is a usage error (exit 2). */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    fail(2, `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Runs a command; a CliExit or any other error becomes its exit code and one safe `error:` line per message. */
export async function withExitCode(stderr: (text: string) => void, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    const exit = error instanceof CliExit ? error : new CliExit(1, [error instanceof Error ? error.message : String(error)]);
    for (const line of exit.lines) stderr(`error: ${oneLine(line)}\n`);
    return exit.code;
  }
}
