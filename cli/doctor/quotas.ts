import { ListServiceQuotasCommand, type ServiceQuota } from '@aws-sdk/client-service-quotas';
import { type Ctx, type DoctorCheck, allPages, problemOf } from './context';

/**
 * Throttling of the two calls on a decision's search path, when Service Quotas does not list
 * them: Amazon Connect's documented API throttling ("Amazon Connect service quotas" page, API
 * throttling quotas): SearchContacts 0.5 requests/s with a burst of 1, all other operations
 * (GetCurrentUserData among them) 2 requests/s with a burst of 5. Per account and Region.
 */
export const DOCUMENTED_QUOTAS = {
  SearchContacts: { rps: 0.5, burst: 1 },
  GetCurrentUserData: { rps: 2, burst: 5 },
} as const;
const QUOTA_SOURCE = '"Amazon Connect service quotas" page, API throttling quotas';

/** Service Quotas codes known for these operations (ServiceCode connect); SearchContacts has none known. */
export const KNOWN_QUOTA_CODES: Record<keyof typeof DOCUMENTED_QUOTAS, string[]> = {
  SearchContacts: [],
  GetCurrentUserData: ['L-9E54B88B'],
};

interface QuotaFinding {
  operation: keyof typeof DOCUMENTED_QUOTAS;
  rps: number;
  /** Service Quotas does not expose a burst; the documented one when the default applies. */
  burst?: number;
  source: 'service-quotas' | 'documented-default';
  quotaCode?: string;
  quotaName?: string;
}

const PER_SECOND: Record<string, number> = {
  MICROSECOND: 1e-6,
  MILLISECOND: 1e-3,
  SECOND: 1,
  MINUTE: 60,
  HOUR: 3600,
  DAY: 86_400,
  WEEK: 604_800,
};

/** The quota for an operation: by known code first, then by a name mentioning the operation. */
function quotaFor(op: keyof typeof DOCUMENTED_QUOTAS, quotas: ServiceQuota[]): QuotaFinding {
  const byName = new RegExp(`\\b${op}\\b`);
  const q =
    quotas.find((x) => x.QuotaCode && KNOWN_QUOTA_CODES[op].includes(x.QuotaCode)) ??
    quotas.find((x) => x.QuotaName && byName.test(x.QuotaName));
  if (q && typeof q.Value === 'number' && q.Value > 0) {
    const seconds = q.Period?.PeriodUnit
      ? (PER_SECOND[q.Period.PeriodUnit] ?? 1) * (q.Period.PeriodValue ?? 1)
      : 1;
    return {
      operation: op,
      rps: q.Value / seconds,
      source: 'service-quotas',
      ...(q.QuotaCode ? { quotaCode: q.QuotaCode } : {}),
      ...(q.QuotaName ? { quotaName: q.QuotaName } : {}),
    };
  }
  return { operation: op, ...DOCUMENTED_QUOTAS[op], source: 'documented-default' };
}

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

function describeQuota(f: QuotaFinding): string {
  if (f.source === 'service-quotas')
    return `${f.operation} ${num(f.rps)}/s (Service Quotas ${f.quotaCode ?? ''} "${f.quotaName ?? ''}"; burst not exposed there)`;
  return `${f.operation} ${num(f.rps)}/s, burst ${f.burst} (not in Service Quotas; documented default, ${QUOTA_SOURCE})`;
}

export async function checkQuotas(ctx: Ctx): Promise<DoctorCheck> {
  const base = { id: 'quotas', title: 'API throttling quotas (search path)' } as const;
  const quotas: ServiceQuota[] = [];
  let unavailable: string | undefined;
  try {
    quotas.push(
      ...(await allPages(
        (NextToken) =>
          ctx.serviceQuotas.send(
            new ListServiceQuotasCommand({ ServiceCode: 'connect', MaxResults: 100, NextToken }),
            ctx.call(),
          ),
        (page) => page.Quotas,
      )),
    );
  } catch (err) {
    const { problem, name, message } = problemOf(err);
    unavailable =
      problem === 'denied'
        ? `Service Quotas denied ListServiceQuotas (${name}; needs servicequotas:ListServiceQuotas)`
        : problem === 'timeout'
          ? `Service Quotas did not answer within ${ctx.timeoutMs / 1000} s`
          : `Service Quotas failed (${name}: ${message})`;
  }
  const search = quotaFor('SearchContacts', quotas);
  const userData = quotaFor('GetCurrentUserData', quotas);
  const perSecond = Math.min(search.rps, userData.rps);
  const perHour = perSecond * 3600;
  const data = {
    searchContacts: search,
    getCurrentUserData: userData,
    decisionsPerSecond: perSecond,
    decisionsPerHour: perHour,
    ...(unavailable ? { serviceQuotasError: unavailable } : {}),
  };
  const detail = [
    ...(unavailable ? [`${unavailable}; using the documented defaults.`] : []),
    `${describeQuota(search)}; ${describeQuota(userData)}.`,
    `One SearchContacts and at most one GetCurrentUserData per decision: the search path allows about ${num(perSecond)} decisions/s (${num(perHour)}/hour), per account and Region, shared with every other caller of these APIs.`,
  ].join(' ');
  const raise =
    'Quotas are per account and Region. To raise one: Service Quotas console → Amazon Connect → the quota → Request increase; a quota not listed there (SearchContacts usually is not) through an AWS Support case (service limit increase, Amazon Connect).';
  if (perSecond < 1)
    return {
      ...base,
      status: 'warn',
      detail: `${detail} That is below 1 decision/s: calls beyond it get throttled and are routed normally (reason LOOKUP_THROTTLED).`,
      hint: raise,
      data,
    };
  if (unavailable)
    return {
      ...base,
      status: 'warn',
      detail,
      hint: 'Grant servicequotas:ListServiceQuotas to see the applied values.',
      data,
    };
  return { ...base, status: 'pass', detail, data };
}
