import {
  type ContactSearchSummary,
  SearchContactsCommand,
  type SearchContactsCommandInput,
  type SearchContactsCommandOutput,
} from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import { createConnectClient } from './lib/connect/client';
import { Deadline } from './lib/connect/deadline';
import { eligibilityCriteria, isEligible, newestFirst, reachedAgent } from './lib/decision/contacts';
import { type ContactSummary, PipelineInput, type SearchResult } from './lib/decision/schemas';
import { loadDynamoClient, loadRoutingStore } from './lib/routing-state/modules';
import { type StepDeps, defineStep, lambdaHandler, sendConnect } from './lib/runtime/step';

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
  const criteria = eligibilityCriteria(input, config);
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
  return { seen, pages, candidates: sorted.slice(0, MAX_CANDIDATES), source: 'SEARCH' };
}

/**
 * Reads the caller's indexed contacts (the event-fed routing-state table) newest first, page by
 * page within the lookback window, with the same eligibility rule and page budget as the search.
 * The index keeps what SearchContacts filters server-side (channels, the queue in same-queue
 * mode) in the item, so those filters apply here.
 */
export async function queryIndexedContacts(input: SearchInput, deps: StepDeps): Promise<SearchResult> {
  const { config } = deps;
  const { queryCustomerContacts } = await loadRoutingStore();
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const criteria = eligibilityCriteria(input, config);
  const nowSeconds = Math.floor(Date.parse(input.now) / 1000);
  const channels = new Set<string>(config.channels);
  const candidates: ContactSummary[] = [];
  let seen = 0;
  let pages = 0;
  let readUnits = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryCustomerContacts(deps.dynamo, deadline, {
      table: config.tableName as string,
      customerKey: input.customerKey,
      fromSeconds: nowSeconds - config.lookbackDays * 86_400,
      toSeconds: nowSeconds,
      nowSeconds,
      limit: config.pageSize,
      start,
    });
    pages++;
    readUnits += page.capacity;
    const contacts = page.contacts.filter(
      (c) =>
        channels.has(String(c.channel ?? 'VOICE').toUpperCase()) &&
        !(config.sameQueue && input.currentQueueId && c.queueId !== input.currentQueueId),
    );
    seen += contacts.length;
    candidates.push(...contacts.filter(reachedAgent));
    start = page.next;
    if (contacts.some((c) => isEligible(c, criteria))) break;
  } while (start && pages < config.maxPages);
  const sorted = candidates.sort(newestFirst);
  deps.logger.debug('read indexed contacts', { pages, seen, readUnits });
  return { seen, pages, candidates: sorted.slice(0, MAX_CANDIDATES), source: 'INDEX', readUnits };
}

/** The share of the remaining budget the contact-join write may take. */
export const JOIN_WRITE_SHARE = 0.25;

/**
 * The index's half of the contact join (steps/lib/routing-state/table.ts): this call's contact id
 * belongs to this customer, so the contact indexer can file the contact events under the key.
 * A failure costs this one contact's place in the index, never the decision: it is logged.
 */
async function recordThisContact(input: SearchInput, deps: StepDeps): Promise<void> {
  try {
    const { recordCustomerKey } = await loadRoutingStore();
    // The step waits for this write (a Lambda is frozen once it returns), so it gets a share of
    // the budget only: a slow table costs this contact's place in the index, not the decision.
    const now = deps.clock();
    const budget = Math.floor(Math.max(0, input.deadlineAt - now) * JOIN_WRITE_SHARE);
    await recordCustomerKey(deps.dynamo, new Deadline(now + budget, deps.clock), {
      table: deps.config.tableName as string,
      contactId: input.contactId,
      customerKey: input.customerKey,
      nowSeconds: Math.floor(Date.parse(input.now) / 1000),
      lookbackDays: deps.config.lookbackDays,
    });
  } catch (err) {
    deps.logger.warn('could not record the contact for the index', { error: err });
  }
}

/**
 * The step: `search` asks SearchContacts; `index` reads the routing-state table only;
 * `index-then-search` reads the table and asks SearchContacts when the table holds no eligible
 * contact for the caller (history from before the index existed) or cannot be read. Both index
 * sources record this call's contact for the index, except a synthetic call (`last-agent
 * doctor`), which writes nothing.
 */
export async function findRecentContacts(input: SearchInput, deps: StepDeps): Promise<SearchResult> {
  const { source } = deps.config;
  if (source === 'search') return searchRecentContacts(input, deps);
  const recording = input.synthetic ? Promise.resolve() : recordThisContact(input, deps);
  try {
    if (source === 'index') return await queryIndexedContacts(input, deps);
    const criteria = eligibilityCriteria(input, deps.config);
    let indexed: SearchResult;
    try {
      indexed = await queryIndexedContacts(input, deps);
    } catch (err) {
      deps.logger.warn('index unreadable, searching instead', { error: err });
      return { ...(await searchRecentContacts(input, deps)), source: 'SEARCH_INDEX_FAILED' };
    }
    if (indexed.candidates.some((c) => isEligible(c, criteria))) return indexed;
    return { ...(await searchRecentContacts(input, deps)), source: 'SEARCH_INDEX_EMPTY' };
  } finally {
    await recording;
  }
}

export const searchContactsStep = defineStep({
  state: 'Search Recent Contacts',
  input: SearchInput,
  run: findRecentContacts,
});

export const handler = lambdaHandler(searchContactsStep, {
  connect: createConnectClient,
  dynamo: loadDynamoClient,
});
