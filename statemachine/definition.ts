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

/** Where the availability check's Parameters live in the definition. */
const AVAILABILITY_PATH = ['Check Agent And Csat', 'Check Agent Availability'] as const;

/**
 * The definition for a configuration. With LAST_AGENT_MAX_PREFERRED 1 (the default) it is the
 * file, byte for byte, so a default deployment's state machine does not change. Above 1 (issue
 * 27), the availability check is also handed the other agents who know the caller
 * (`knownAgentIds`, which the pick step then always answers), to check them in the same call.
 */
export function definitionTextFor(config: { maxPreferred: number }): string {
  const text = readDefinitionText();
  if (config.maxPreferred <= 1) return text;
  const asl = JSON.parse(text) as {
    States: Record<
      string,
      { Branches?: { States: Record<string, { Parameters?: Record<string, string> }> }[] }
    >;
  };
  const [parallel, task] = AVAILABILITY_PATH;
  const state = asl.States[parallel]?.Branches?.map((b) => b.States[task]).find(Boolean);
  if (!state?.Parameters) throw new Error(`${task} has no Parameters in the definition`);
  state.Parameters['knownAgentIds.$'] = '$.lastContact.knownAgentIds';
  return `${JSON.stringify(asl, null, 2)}\n`;
}
