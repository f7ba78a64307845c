import {
  type ContactSearchSummary,
  SearchContactsCommand,
  type SearchContactsCommandInput,
  type SearchContactsCommandOutput,
} from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import { createConnectClient } from './lib/connect-client';
import { isEligible, newestFirst, reachedAgent } from './lib/contacts';
import { Deadline } from './lib/deadline';
import { type StepDeps, defineStep, lambdaHandler, sendConnect } from './lib/runtime';
import { type ContactSummary, PipelineInput, type SearchResult } from './lib/schemas';

export const SearchInput = z.omit(PipelineInput, { csatGate: true, membershipQueueId: true });
export type SearchInput = z.infer<typeof SearchInput>;

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

/**
 * The longest TimeRange one SearchContacts request covers here. The admin guide's contact search
 * page: "Search a time range up to 8 weeks" (the API reference states no limit; the local Connect
 * enforces it). Longer lookbacks are searched as several windows, newest first.
 */
export const MAX_SEARCH_WINDOW_MS = 8 * 7 * 86_400_000;

/** The lookback window as ≤ 8-week time ranges, newest first, not overlapping. */
export function searchWindows(now: Date, lookbackDays: number): { start: Date; end: Date }[] {
  const start = now.getTime() - lookbackDays * 86_400_000;
  const windows: { start: Date; end: Date }[] = [];
  for (let end = now.getTime(); end > start; end -= MAX_SEARCH_WINDOW_MS) {
    windows.push({ start: new Date(Math.max(start, end - MAX_SEARCH_WINDOW_MS)), end: new Date(end) });
  }
  return windows;
}

export function buildSearchRequest(
  input: SearchInput,
  deps: Pick<StepDeps, 'config'>,
  window = searchWindows(new Date(input.now), deps.config.lookbackDays)[0] as { start: Date; end: Date },
): SearchContactsCommandInput {
  const { config } = deps;
  // CONNECTED_TO_AGENT_TIMESTAMP only matches contacts that reached an agent, so IVR-only and
  // abandoned calls never fill the page; INITIATION_TIMESTAMP is the conventional scan.
  const field = config.searchMode === 'connected' ? 'CONNECTED_TO_AGENT_TIMESTAMP' : 'INITIATION_TIMESTAMP';
  return {
    InstanceId: input.instanceId,
    TimeRange: { Type: field, StartTime: window.start, EndTime: window.end },
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
 * Reads the caller's recent contacts, newest first, window by window and page by page, until a
 * page holds an eligible contact, the page budget is spent or the lookback ends.
 */
export async function searchRecentContacts(input: SearchInput, deps: StepDeps): Promise<SearchResult> {
  const { config } = deps;
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const criteria = { ...input, minTalkSeconds: config.minTalkSeconds, sameQueue: config.sameQueue };
  const candidates = new Map<string, ContactSummary>();
  let seen = 0;
  let pages = 0;
  let found = false;
  for (const window of searchWindows(new Date(input.now), config.lookbackDays)) {
    const request = buildSearchRequest(input, deps, window);
    let nextToken: string | undefined;
    do {
      const page = await sendConnect<SearchContactsCommandOutput>(
        deps,
        deadline,
        'SearchContacts',
        new SearchContactsCommand({ ...request, NextToken: nextToken }),
      );
      pages++;
      const contacts = (page.Contacts ?? []).map(summarise);
      seen += contacts.length;
      // Windows share their boundary instant: a contact there comes back twice, counted once.
      for (const c of contacts.filter(reachedAgent)) candidates.set(c.id, c);
      found = contacts.some((c) => isEligible(c, criteria));
      nextToken = page.NextToken;
    } while (!found && nextToken && pages < config.maxPages);
    if (found || pages >= config.maxPages) break;
  }

  const sorted = [...candidates.values()].sort(newestFirst);
  deps.logger.debug('searched contacts', { pages, seen, candidates: sorted.length });
  return { seen, pages, candidates: sorted.slice(0, MAX_CANDIDATES) };
}

export const searchContactsStep = defineStep({
  state: 'Search Recent Contacts',
  input: SearchInput,
  run: searchRecentContacts,
});

export const handler = lambdaHandler(searchContactsStep, createConnectClient);
