import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../steps/lib/runtime/config';
import {
  AGENT_WAIT_SECONDS,
  type ContactFlow,
  type RoutingMode,
  buildAgentWaitQueueFlow,
  buildContactFlow,
} from './contact-flow';
import { buildAgentWhisperFlow } from './whisper';

/**
 * Importable copies of the sample flows (Connect console → Flows → Import): the inbound flow per
 * routing mode (type Flow), the agent-wait customer-queue flow (type Customer queue flow) that
 * agent-queue mode sets, and the agent-whisper flow (type Agent whisper flow) both modes set for
 * returning callers. E.164 key mode, default attribute names, priority off; import the whisper
 * and queue flows first and replace the placeholders with their ARNs.
 */
export const FLOW_DIR = fileURLToPath(new URL('../contact-flows/', import.meta.url));
export const IMPORT_PLACEHOLDERS = {
  lambdaArn: 'arn:aws:lambda:REGION:ACCOUNT_ID:function:ENTRY_FUNCTION_NAME',
  defaultQueueArn: 'arn:aws:connect:REGION:ACCOUNT_ID:instance/INSTANCE_ID/queue/QUEUE_ID',
  agentWaitQueueFlowArn:
    'arn:aws:connect:REGION:ACCOUNT_ID:instance/INSTANCE_ID/contact-flow/AGENT_WAIT_FLOW_ID',
  agentWhisperFlowArn:
    'arn:aws:connect:REGION:ACCOUNT_ID:instance/INSTANCE_ID/contact-flow/AGENT_WHISPER_FLOW_ID',
};
export const MODES: RoutingMode[] = ['preferred-agent', 'agent-queue'];
export const QUEUE_FLOW_FILE = 'agent-wait-queue';
export const WHISPER_FLOW_FILE = 'agent-whisper';
export type FlowFile = RoutingMode | typeof QUEUE_FLOW_FILE | typeof WHISPER_FLOW_FILE;
export const FLOW_FILES: FlowFile[] = [...MODES, QUEUE_FLOW_FILE, WHISPER_FLOW_FILE];

export function importableFlowObject(file: FlowFile): ContactFlow {
  if (file === QUEUE_FLOW_FILE)
    return buildAgentWaitQueueFlow({
      defaultQueueArn: IMPORT_PLACEHOLDERS.defaultQueueArn,
      maxWaitSeconds: AGENT_WAIT_SECONDS,
    });
  if (file === WHISPER_FLOW_FILE) return buildAgentWhisperFlow();
  return buildContactFlow({
    ...IMPORT_PLACEHOLDERS,
    mode: file,
    preferredAgentSeconds: 30,
    attributeKey: loadConfig({}).attributeKey,
    lambdaTimeoutSeconds: 8,
    keyMode: 'e164',
  });
}

export function importableFlow(file: FlowFile): string {
  return `${JSON.stringify(importableFlowObject(file), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(FLOW_DIR, { recursive: true });
  for (const file of FLOW_FILES) writeFileSync(`${FLOW_DIR}${file}.json`, importableFlow(file));
  process.stdout.write(`wrote ${FLOW_FILES.map((f) => `contact-flows/${f}.json`).join(', ')}\n`);
}
