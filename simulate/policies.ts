/**
 * The routing policies the simulator compares, and the bridge to the product's own decision code.
 *
 * A returning call is decided exactly as the shipped pipeline decides it: the simulated last
 * agent is turned into a GetCurrentUserData-shaped `UserData`, classified by `classifyAgent`
 * (steps/lib/decision/agent-status.ts) and routed by `chooseRoute` (steps/lib/decision/route.ts) with
 * the product's default configuration. `LAST_AGENT` means the flow mode applies its preference;
 * anything else (`DEFAULT`, or `LAST_QUEUE`, which is the normal queue in a one-queue center)
 * means normal routing. The queueing mechanics of each flow mode are in flow-modes.ts.
 */
import type { UserData } from '@aws-sdk/client-connect';
import type { StatusTypes } from '../steps/lib/connect/reference-data';
import { classifyAgent } from '../steps/lib/decision/agent-status';
import {
  type ContactPhase,
  type HandleModel,
  freeWithinProbability as freeWithinProbability_,
} from '../steps/lib/decision/handle-model';
import { chooseRoute } from '../steps/lib/decision/route';
import type { AgentAvailability } from '../steps/lib/decision/schemas';
import { type Config, loadConfig } from '../steps/lib/runtime/config';
import type { PolicyConfig } from './config';

/**
 * `preferBusyAgent` undefined: the product's default (LAST_AGENT_PREFER_BUSY, true).
 * `minFreeProbability` undefined: no adaptive preference (LAST_AGENT_MIN_FREE_PROBABILITY unset).
 */
export type PolicySpec =
  | { name: 'none' }
  | {
      name: 'preferred-agent';
      expirySeconds: number;
      preferBusyAgent?: boolean | undefined;
      minFreeProbability?: number | undefined;
      /** Ranked preferred agents: the caller's last k distinct agents (undefined: 1, the last agent alone). */
      maxPreferred?: number | undefined;
      /** The second ring's wait, for the other known agents (set when maxPreferred > 1). */
      knownAgentsSeconds?: number | undefined;
    }
  | {
      name: 'agent-queue';
      acceptShare: number;
      maxWaitSeconds: number;
      preferBusyAgent?: boolean | undefined;
      minFreeProbability?: number | undefined;
    };

/** The thresholds a policy sweeps: each one a row, crossed with the waits. */
const thresholds = (p: { minFreeProbability?: number[] | undefined }) =>
  p.minFreeProbability === undefined ? [undefined] : p.minFreeProbability;

/**
 * The ranked-agent settings a preferred-agent policy sweeps, crossed with the waits and thresholds:
 * each maxPreferred above 1 with each knownAgentsSeconds, a maxPreferred of 1 once (it has no
 * second ring). Nothing when maxPreferred is not given: the row is today's.
 */
function rings(p: {
  maxPreferred?: number[] | undefined;
  knownAgentsSeconds?: number[] | undefined;
}): Array<{ maxPreferred?: number; knownAgentsSeconds?: number }> {
  if (p.maxPreferred === undefined) return [{}];
  return p.maxPreferred.flatMap((maxPreferred) =>
    maxPreferred === 1
      ? [{ maxPreferred }]
      : (p.knownAgentsSeconds ?? []).map((knownAgentsSeconds) => ({ maxPreferred, knownAgentsSeconds })),
  );
}

/** The most known agents any policy of the list prefers (1 when none sets maxPreferred): the callers' history to keep. */
export function knownAgentDepth(policies: readonly PolicySpec[]): number {
  return Math.max(1, ...policies.map((p) => (p.name === 'preferred-agent' ? (p.maxPreferred ?? 1) : 1)));
}

/** How many of the caller's known agents a policy's knownAgentShare counts: its maxPreferred, else the run's depth. */
export function knownAgentsCounted(p: PolicySpec, depth: number): number {
  return p.name === 'preferred-agent' && p.maxPreferred !== undefined ? p.maxPreferred : depth;
}

/**
 * The product's configuration as the Lambdas load it, with no variables set (the defaults), and
 * with LAST_AGENT_PREFER_BUSY overridden: the environment variable is the contract, so the
 * simulator decides exactly as a deployment with that setting would.
 */
const PRODUCT_DEFAULTS: Config = loadConfig({});
const ROUTING: Record<'default' | 'true' | 'false', Config> = {
  default: PRODUCT_DEFAULTS,
  true: loadConfig({ LAST_AGENT_PREFER_BUSY: 'true' }),
  false: loadConfig({ LAST_AGENT_PREFER_BUSY: 'false' }),
};

/** One policy per swept value, in the order given. */
export function expandPolicies(policies: readonly PolicyConfig[]): PolicySpec[] {
  return policies.flatMap((p): PolicySpec[] => {
    switch (p.name) {
      case 'none':
        return [{ name: 'none' }];
      case 'preferred-agent':
        return p.expirySeconds.flatMap((expirySeconds) =>
          thresholds(p).flatMap((min) =>
            rings(p).map((ring) => ({
              name: 'preferred-agent' as const,
              expirySeconds,
              ...(p.preferBusyAgent === undefined ? {} : { preferBusyAgent: p.preferBusyAgent }),
              ...(min === undefined ? {} : { minFreeProbability: min }),
              ...ring,
            })),
          ),
        );
      case 'agent-queue':
        return p.maxWaitSeconds.flatMap((maxWaitSeconds) =>
          thresholds(p).map((min) => ({
            name: 'agent-queue' as const,
            acceptShare: p.acceptShare,
            maxWaitSeconds,
            ...(p.preferBusyAgent === undefined ? {} : { preferBusyAgent: p.preferBusyAgent }),
            ...(min === undefined ? {} : { minFreeProbability: min }),
          })),
        );
    }
  });
}

export function policyLabel(p: PolicySpec): string {
  if (p.name === 'none') return 'none';
  const busy = p.preferBusyAgent === undefined ? '' : p.preferBusyAgent ? ' busy-ok' : ' idle-only';
  const adaptive = p.minFreeProbability === undefined ? '' : ` p≥${p.minFreeProbability}`;
  if (p.name === 'preferred-agent') {
    const second = p.knownAgentsSeconds === undefined ? '' : `+${p.knownAgentsSeconds}s`;
    const ranked = p.maxPreferred === undefined ? '' : ` k=${p.maxPreferred}`;
    return `preferred-agent ${p.expirySeconds}s${second}${ranked}${busy}${adaptive}`;
  }
  return `agent-queue ${Math.round(p.acceptShare * 100)}% ${p.maxWaitSeconds}s${busy}${adaptive}`;
}

/**
 * Adaptive preference for a busy last agent whom the policy would prefer: the chance they are free
 * within the policy's window (the step's own function, from the simulated contact's phase and the
 * configuration's talk and ACW distributions), then the product's route choice with it.
 */
export function adaptiveDecision(
  phase: ContactPhase,
  model: HandleModel,
  windowSeconds: number,
  minFreeProbability: number,
  routing: Config,
): boolean {
  const freeWithinProbability = freeWithinProbability_(model, phase, windowSeconds);
  const decision = chooseRoute(
    {
      lastContact: {
        found: true,
        contactId: 'simulated',
        initialContactId: 'simulated',
        agentId: 'agent-adaptive',
        connectedAt: '2026-01-05T00:00:00.000Z',
      },
      checks: {
        availability: { status: 'BUSY', freeWithinProbability },
        csat: { gate: 'SKIPPED', detail: 'GATE_OFF' },
      },
    },
    { ...routing, minFreeProbability },
  );
  return decision.route === 'LAST_AGENT';
}

/** The simulated agent as the decision sees it. */
export interface AgentView {
  id: string;
  /** Logged in (on shift). A logged-out agent is absent from GetCurrentUserData. */
  loggedIn: boolean;
  /** The current status name: 'Available', or an away status ('Break', 'Offline'). */
  status: 'Available' | 'Break' | 'Offline';
  /** On a contact (the one voice slot is held). */
  onContact: boolean;
  /** The status chosen for after the current contact (Connect's NextStatus). */
  nextStatus: 'Break' | 'Offline' | undefined;
}

const ARN =
  'arn:aws:connect:us-east-1:111111111111:instance/00000000-0000-4000-8000-00000000000s/agent-state';
const STATUS_ARN = { Available: `${ARN}/available`, Break: `${ARN}/break`, Offline: `${ARN}/offline` };

/** The simulated instance's agent statuses and their types, as ListAgentStatuses would give them. */
export const SIMULATED_STATUS_TYPES: StatusTypes = {
  byArn: new Map([
    [STATUS_ARN.Available, 'ROUTABLE'],
    [STATUS_ARN.Break, 'CUSTOM'],
    [STATUS_ARN.Offline, 'OFFLINE'],
  ]),
  byName: new Map([
    ['Available', 'ROUTABLE'],
    ['Break', 'CUSTOM'],
    ['Lunch', 'CUSTOM'],
    ['Offline', 'OFFLINE'],
  ]),
};

/** The GetCurrentUserData entry for the agent (undefined when logged out: absent from the answer). */
export function userDataOf(agent: AgentView): UserData | undefined {
  if (!agent.loggedIn) return undefined;
  const free = agent.status === 'Available' && !agent.onContact ? 1 : 0;
  return {
    User: { Id: agent.id },
    Status: { StatusName: agent.status, StatusArn: STATUS_ARN[agent.status] },
    MaxSlotsByChannel: { VOICE: 1 },
    AvailableSlotsByChannel: { VOICE: free },
    ActiveSlotsByChannel: { VOICE: agent.onContact ? 1 : 0 },
    ...(agent.nextStatus ? { NextStatus: agent.nextStatus } : {}),
  };
}

export interface ReturningDecision {
  availability: AgentAvailability['status'];
  /** chooseRoute answered LAST_AGENT: the flow mode applies its preference. */
  preferLastAgent: boolean;
}

/** Decides a returning call with the product's code, for a policy's routing configuration. */
export function decideReturning(
  agent: AgentView,
  lastContactAtMs: number,
  routing: Config,
): ReturningDecision {
  const availability = classifyAgent(userDataOf(agent), 'VOICE', SIMULATED_STATUS_TYPES, routing);
  const decision = chooseRoute(
    {
      lastContact: {
        found: true,
        contactId: 'simulated',
        initialContactId: 'simulated',
        agentId: agent.id,
        connectedAt: new Date(lastContactAtMs).toISOString(),
      },
      checks: { availability, csat: { gate: 'SKIPPED', detail: 'GATE_OFF' } },
    },
    routing,
  );
  return { availability: availability.status, preferLastAgent: decision.route === 'LAST_AGENT' };
}

/**
 * The decision depends only on the agent's state (logged in, status, on a contact, next status)
 * and the configuration, not on who the agent is or when the last contact was: the product's
 * code is run once per distinct state and configuration (at most 24 states) and its answer
 * reused. Under tsx one chooseRoute call costs about 6 µs (esbuild's keepNames wraps its inner
 * closure), more than the rest of an event; the memo keeps the simulator at millions of events
 * per second. A test checks the memo against fresh calls for every state.
 */
export class DecisionMemo {
  private readonly answers = new Map<string, ReturningDecision>();

  constructor(private readonly routing: Config) {}

  decide(agent: AgentView): ReturningDecision {
    const key = `${agent.loggedIn ? 1 : 0}${agent.status}${agent.onContact ? 1 : 0}${agent.nextStatus ?? ''}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = decideReturning({ ...agent, id: 'agent-memo' }, Date.UTC(2026, 0, 5), this.routing);
      this.answers.set(key, answer);
    }
    return answer;
  }
}

/** The product configuration a policy decides with. */
export function routingConfigOf(p: PolicySpec): Config {
  if (p.name === 'none' || p.preferBusyAgent === undefined) return ROUTING.default;
  return p.preferBusyAgent ? ROUTING.true : ROUTING.false;
}
