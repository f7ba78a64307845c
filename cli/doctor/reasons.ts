import type { Reason } from '../../steps/lib/decision/decision';

/**
 * One line per reason code: what the decision means, and what to fix when it is not what a
 * working deployment answers. `outcome` is how `doctor` grades its synthetic decision: `pass`
 * when the pipeline ran end to end (whatever the agent's situation), `warn` when it was cut
 * short by something that passes (throttling, a slow first call), `fail` when the deployment or
 * the doctor's own event is at fault.
 */
export interface ReasonGuide {
  means: string;
  fix: string;
  outcome: 'pass' | 'warn' | 'fail';
}

const RAN = 'Nothing to fix: the lookup ran end to end.';

export const REASON_GUIDE: Record<Reason, ReasonGuide> = {
  LAST_AGENT_AVAILABLE: {
    means: "the caller's last agent is available: the call goes to them.",
    fix: RAN,
    outcome: 'pass',
  },
  AGENT_BUSY: {
    means:
      'the last agent is on another contact; the flow still prefers them for the preference window (LAST_AGENT_PREFER_BUSY).',
    fix: RAN,
    outcome: 'pass',
  },
  AGENT_BUSY_UNLIKELY_FREE: {
    means:
      'the last agent is busy and unlikely to be free within the preference window (LAST_AGENT_MIN_FREE_PROBABILITY): normal routing.',
    fix: RAN,
    outcome: 'pass',
  },
  AGENT_NOT_ROUTABLE: {
    means:
      'the last agent is in a status that takes no contacts (break, lunch), or has chosen one next: normal routing.',
    fix: RAN,
    outcome: 'pass',
  },
  AGENT_OFFLINE: {
    means: 'the last agent is offline or logged out: normal routing.',
    fix: RAN,
    outcome: 'pass',
  },
  AGENT_NOT_IN_QUEUE: {
    means:
      "the last agent's routing profile does not serve the queue the call is headed for: normal routing.",
    fix: 'If that agent should take these calls, add the queue to their routing profile.',
    outcome: 'pass',
  },
  KNOWN_AGENT_AVAILABLE: {
    means:
      'the last agent is ruled out (lastAgentRuledOut says why), and another agent who knows the caller is available: the call is offered to the known agents first (LAST_AGENT_MAX_PREFERRED).',
    fix: RAN,
    outcome: 'pass',
  },
  KNOWN_AGENT_BUSY: {
    means:
      'the last agent is ruled out (lastAgentRuledOut says why); the first other agent who knows the caller is busy and still preferred for the preference window (LAST_AGENT_MAX_PREFERRED, LAST_AGENT_PREFER_BUSY).',
    fix: RAN,
    outcome: 'pass',
  },
  LOW_CSAT: {
    means: "the last contact's CSAT score is below LAST_AGENT_MIN_CSAT: normal routing.",
    fix: RAN,
    outcome: 'pass',
  },
  NO_RECENT_CONTACT: {
    means:
      'no contact of this caller reached an agent within the lookback: normal routing (what a test number gets).',
    fix: RAN,
    outcome: 'pass',
  },
  NO_AGENT_CONTACT: {
    means: 'the caller has recent contacts, none of which reached an agent: normal routing.',
    fix: RAN,
    outcome: 'pass',
  },
  NO_CALLER_NUMBER: {
    means: 'the event carried no caller number: no lookup.',
    fix: 'The synthetic event always carries --test-caller: the deployed entry function reads the event differently, so deploy the stack from this version.',
    outcome: 'fail',
  },
  INVALID_CALLER_NUMBER: {
    means: 'the caller number is not a valid phone number: no lookup.',
    fix: 'Pass --test-caller as a valid E.164 number (+ and digits, such as +12025550100).',
    outcome: 'fail',
  },
  ANONYMOUS_CALLER: {
    means: 'the caller withheld their number: no lookup.',
    fix: 'Pass --test-caller as a valid E.164 number (+ and digits).',
    outcome: 'fail',
  },
  INVALID_EVENT: {
    means: 'the entry function did not read the event as an Amazon Connect flow event: no lookup.',
    fix: 'The deployed function and this doctor disagree on the event: deploy the stack from this version, and check the instance ARN (--instance-id as an ARN).',
    outcome: 'fail',
  },
  LOOKUP_THROTTLED: {
    means: 'Amazon Connect throttled the lookup: normal routing.',
    fix: "The quotas are per account and Region, shared with every caller of the APIs: SearchContacts (default 0.5/s with a burst of 1; not in Service Quotas, raise it with an AWS Support case) on the search path, GetCurrentUserData (Service Quotas L-9E54B88B, default 2/s with a burst of 5) for the agent's availability. The quotas check shows this account's values; the index sources (LAST_AGENT_SOURCE=index) need neither per call.",
    outcome: 'warn',
  },
  LOOKUP_TIMEOUT: {
    means: 'the pipeline did not answer within LAST_AGENT_DEADLINE_MS: normal routing.',
    fix: 'The first call after a deploy pays the cold starts of the steps: run the doctor again. If it repeats, the execution in the Step Functions console (log group /aws/vendedlogs/states/<stack>-decisions) shows the slow state; raise LAST_AGENT_DEADLINE_MS (at most 7000) or deploy with -c provisionedConcurrency=1 (docs/performance.md).',
    outcome: 'warn',
  },
  LOOKUP_ERROR: {
    means: 'a call of the pipeline failed (neither throttled nor slow): normal routing.',
    fix: 'Most often a missing permission. The steps need connect:SearchContacts, connect:DescribeContact and connect:GetContactAttributes (search step), connect:GetCurrentUserData, connect:ListAgentStatuses, connect:ListRoutingProfileQueues and connect:DescribeUser (availability step), connect:GetContactAttributes (CSAT step), all on this instance; with an index source dynamodb:Query and dynamodb:UpdateItem (search step) and dynamodb:GetItem (availability step) on the routing-state table; the entry function states:StartSyncExecution on the state machine. The stack grants exactly these: the failed state of the execution in the Step Functions console names the call and its error (AccessDeniedException names the missing action).',
    outcome: 'fail',
  },
  CONFIG_ERROR: {
    means:
      'the entry function rejected its configuration, or could not read the key secret: every call is routed normally.',
    fix: 'The configuration check names the setting. In hashed-key mode the entry function also needs secretsmanager:GetSecretValue on LAST_AGENT_KEY_SECRET_ARN (or ssm:GetParameter on LAST_AGENT_KEY_SECRET_PARAMETER); its log group has the error.',
    outcome: 'fail',
  },
};
