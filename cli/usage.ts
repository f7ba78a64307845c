/**
 * A command-line mistake: the CLI prints the message and the usage, and exits 2. Defined in
 * local/args.ts so that bench/command.ts (which must not import the CLI) throws the same class.
 */
export { UsageError } from '../local/args';
