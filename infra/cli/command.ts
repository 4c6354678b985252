/** A CLI command: `help` is printed for `--help`; `run` resolves to the exit code (0, 1 or 2). */
export interface CliCommand {
  help: string;
  run(args: string[]): Promise<number>;
}

/** Thrown for bad usage; the CLI prints the message and the command's help and exits 2. */
export class UsageError extends Error {}
