import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../steps/lib/config';
import { type RoutingMode, buildContactFlow } from './contact-flow';

/** Importable copies of the sample flow (Connect console → Flows → Import), one per routing mode. */
export const FLOW_DIR = fileURLToPath(new URL('../contact-flows/', import.meta.url));
export const IMPORT_PLACEHOLDERS = {
  lambdaArn: 'arn:aws:lambda:REGION:ACCOUNT_ID:function:ENTRY_FUNCTION_NAME',
  defaultQueueArn: 'arn:aws:connect:REGION:ACCOUNT_ID:instance/INSTANCE_ID/queue/QUEUE_ID',
};
export const MODES: RoutingMode[] = ['preferred-agent', 'agent-queue'];

export function importableFlow(mode: RoutingMode): string {
  const flow = buildContactFlow({
    ...IMPORT_PLACEHOLDERS,
    mode,
    preferredAgentSeconds: 30,
    attributeKey: loadConfig({}).attributeKey,
    lambdaTimeoutSeconds: 8,
  });
  return `${JSON.stringify(flow, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(FLOW_DIR, { recursive: true });
  for (const mode of MODES) writeFileSync(`${FLOW_DIR}${mode}.json`, importableFlow(mode));
  process.stdout.write(`wrote ${MODES.map((m) => `contact-flows/${m}.json`).join(', ')}\n`);
}
