#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx last-agent` works right after `npm ci`
// with no build step.
import { register } from 'tsx/esm/api';

// The machines run Node 20; the SDK's notice about Node 22 is noise for a local tool.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
// `analyze` holds a million contacts in a few hundred MB when V8's young generation stays small,
// which must be set before the modules load (analyze/memory.ts).
if (process.argv[2] === 'analyze') (await import('../analyze/memory.ts')).boundYoungGeneration();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit as soon as the command has answered: an abandoned execution (a decision that hit its
// deadline) may still hold timers of the local state-machine runtime for seconds.
process.stdout.write('', () => process.exit(code));
