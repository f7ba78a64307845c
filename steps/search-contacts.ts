import {
  type ContactSearchSummary,
  SearchContactsCommand,
  type SearchContactsCommandInput,
} from '@aws-sdk/client-connect';
import { createConnectClient } from './lib/connect-client';
import { isEligible, newestFirst, reachedAgent } from './lib/contacts';
import { Deadline, callWithRetry } from './lib/deadline';
import { type Step, type StepDeps, lambdaHandler } from './lib/runtime';
import { type ContactSummary, PipelineInput, type SearchResult, parseStepInput } from './lib/schemas';

export const SearchInput = PipelineInput.omit({ csatGate: true });
export type SearchInput = typeof SearchInput._output;

/** Keeps the step payload far below Step Functions' 256 KB limit. */
export const MAX_CANDIDATES = 100;

const toEpochSeconds = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : undefined);

export function summarise(c: ContactSearchSummary): ContactSummary {
  return {
    id: c.Id ?? '',
    initialContactId: c.InitialContactId,
    previousContactId: c.PreviousContactId,
    channel: c.Channel,
    initiationMethod: c.InitiationMethod,
    initiatedAt: toEpochSeconds(c.InitiationTimestamp),
    connectedAt: toEpochSeconds(c.AgentInfo?.ConnectedToAgentTimestamp),
    disconnectedAt: toEpochSeconds(c.DisconnectTimestamp),
    agentId: c.AgentInfo?.Id,
    queueId: c.QueueInfo?.Id,
  };
}

export function buildSearchRequest(
  input: SearchInput,
  deps: Pick<StepDeps, 'config'>,
): SearchContactsCommandInput {
  const { config } = deps;
  const end = new Date(input.now);
  const start = new Date(end.getTime() - config.lookbackDays * 86_400_000);
  // CONNECTED_TO_AGENT_TIMESTAMP only matches contacts that reached an agent, so IVR-only and
  // abandoned calls never fill the page; INITIATION_TIMESTAMP is the conventional scan.
  const field = config.searchMode === 'connected' ? 'CONNECTED_TO_AGENT_TIMESTAMP' : 'INITIATION_TIMESTAMP';
  return {
    InstanceId: input.instanceId,
    TimeRange: { Type: field, StartTime: start, EndTime: end },
    SearchCriteria: {
      Channels: config.channels,
      ...(config.sameQueue && input.currentQueueId ? { QueueIds: [input.currentQueueId] } : {}),
      SearchableContactAttributes: {
        Criteria: [{ Key: config.attributeKey, Values: [input.customerKey] }],
        MatchType: 'MATCH_ALL',
      },
    },
    Sort: { FieldName: field, Order: 'DESCENDING' },
    MaxResults: config.pageSize,
  };
}

/**
 * Reads the caller's recent contacts, newest first, page by page until a page holds an
 * eligible contact, the page budget is spent or the results end.
 */
export async function searchRecentContacts(input: SearchInput, deps: StepDeps): Promise<SearchResult> {
  const { config, connect } = deps;
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const request = buildSearchRequest(input, deps);
  const criteria = { ...input, minTalkSeconds: config.minTalkSeconds, sameQueue: config.sameQueue };
  const candidates: ContactSummary[] = [];
  let seen = 0;
  let pages = 0;
  let nextToken: string | undefined;
  do {
    const page = await callWithRetry('SearchContacts', deadline, (abortSignal) =>
      connect.send(new SearchContactsCommand({ ...request, NextToken: nextToken }), { abortSignal }),
    );
    pages++;
    const contacts = (page.Contacts ?? []).map(summarise);
    seen += contacts.length;
    candidates.push(...contacts.filter(reachedAgent));
    if (contacts.some((c) => isEligible(c, criteria))) break;
    nextToken = page.NextToken;
  } while (nextToken && pages < config.maxPages);

  candidates.sort(newestFirst);
  deps.logger.debug('searched contacts', { pages, seen, candidates: candidates.length });
  return { seen, pages, candidates: candidates.slice(0, MAX_CANDIDATES) };
}

export const searchContactsStep: Step = {
  state: 'Search Recent Contacts',
  run: async (input, deps) =>
    searchRecentContacts(parseStepInput(SearchInput, input, 'SearchRecentContacts'), deps),
};

export const handler = lambdaHandler(searchContactsStep, createConnectClient);
