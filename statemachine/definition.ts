import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The single source of truth: used by the CDK stack and by the local runtime. */
export const DEFINITION_PATH = fileURLToPath(new URL('./last-agent-routing.asl.json', import.meta.url));

/** Placeholder → step module basename (steps/<name>.ts). */
export const TASK_FUNCTIONS = {
  SearchContactsFunctionArn: 'search-contacts',
  PickLastAgentContactFunctionArn: 'pick-last-agent-contact',
  CheckAgentAvailabilityFunctionArn: 'check-agent-availability',
  CheckLastContactCsatFunctionArn: 'check-last-contact-csat',
} as const;
export type TaskPlaceholder = keyof typeof TASK_FUNCTIONS;

export function readDefinitionText(): string {
  return readFileSync(DEFINITION_PATH, 'utf8');
}

/** Replaces every ${Name} and fails on any left over, so a missing substitution never deploys. */
export function substitute(text: string, values: Record<string, string>): string {
  const out = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, name: string) => values[name] ?? m);
  const left = [...out.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
  if (left.length) throw new Error(`unsubstituted placeholders in state machine: ${left.join(', ')}`);
  return out;
}
