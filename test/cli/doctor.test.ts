import { ConnectClient } from '@aws-sdk/client-connect';
import {
  GetServiceQuotaCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
  paginateListServiceQuotas,
} from '@aws-sdk/client-service-quotas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DoctorCheck, type DoctorOptions, type DoctorReport, runDoctor } from '../../cli/doctor';
import type { Faults, Scenario } from '../../local/connect/scenario';
import { startLocalConnect } from '../../local/connect/server';
import {
  type LocalQuota,
  type LocalServiceQuotasOptions,
  startLocalServiceQuotas,
} from '../../local/service-quotas/server';
import { DEMO, demoScenario } from '../helpers';
import { runCli } from './run-cli';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:last-agent-entry';
const CLAIMS = DEMO.queues[0]?.id as string;
const NO_FAULTS = { seed: 1, inject: [] } as unknown as Faults;
const local = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 2,
};

const SEARCH_QUOTA: LocalQuota = {
  QuotaCode: 'L-0000SC01',
  QuotaName: 'Rate of SearchContacts API requests',
  Value: 5,
  Period: { PeriodValue: 1, PeriodUnit: 'SECOND' },
};
const USER_DATA_QUOTA: LocalQuota = {
  QuotaCode: 'L-9E54B88B',
  QuotaName: 'Rate of GetCurrentUserData API requests',
  Value: 10,
  Period: { PeriodValue: 1, PeriodUnit: 'SECOND' },
};

/** A scenario where every check can pass: the demo without latency, the entry function associated. */
const healthy = (overrides: Partial<Scenario> = {}) =>
  demoScenario({ faults: NO_FAULTS, lambdaFunctions: [FUNCTION_ARN], ...overrides });

/** ListServiceQuotas requests the last `doctor` run made. */
let listQuotasRequests = 0;

/** The doctor with real SDK clients against a local Connect and a local Service Quotas. */
async function doctor(
  scenario: Scenario,
  options: Partial<Omit<DoctorOptions, 'connect' | 'serviceQuotas'>> = {},
  quotas: Partial<LocalServiceQuotasOptions> = {},
): Promise<DoctorReport> {
  const connect = await startLocalConnect(scenario);
  const sq = await startLocalServiceQuotas({ quotas: [SEARCH_QUOTA, USER_DATA_QUOTA], ...quotas });
  const connectClient = new ConnectClient({ ...local, endpoint: connect.endpoint });
  const quotasClient = new ServiceQuotasClient({ ...local, endpoint: sq.endpoint });
  try {
    return await runDoctor({
      connect: connectClient,
      serviceQuotas: quotasClient,
      instanceId: scenario.instance.id,
      queueId: CLAIMS,
      functionArn: FUNCTION_ARN,
      attributeKey: 'CustomerPhoneNumber',
      ...options,
    });
  } finally {
    listQuotasRequests = sq.requests.ListServiceQuotas;
    connectClient.destroy();
    quotasClient.destroy();
    await Promise.all([connect.close(), sq.close()]);
  }
}

function check(report: DoctorReport, id: DoctorCheck['id']): DoctorCheck {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

const cli = (args: string[]) => runCli(args);

afterEach(() => vi.restoreAllMocks());

describe('last-agent doctor against the local Connect', () => {
  it('passes every check of the instance on a healthy demo instance', async () => {
    const report = await doctor(healthy());
    // Without a deployment (no Lambda client, no flow), the go-live checks say what they need;
    // with the default source (search) the routing-state checks do not apply.
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['configuration', 'pass'],
      ['searchable-key', 'pass'],
      ['queue', 'pass'],
      ['agent-statuses', 'pass'],
      ['quotas', 'pass'],
      ['lambda-association', 'pass'],
      ['flows', 'warn'],
      ['decision', 'skip'],
      ['routing-table', 'skip'],
      ['contact-events', 'skip'],
      ['agent-events', 'skip'],
    ]);
    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({ pass: 6, warn: 1, fail: 0, skip: 4 });
    expect(report.touched).toEqual([]);
    expect(report.region).toBe('us-east-1');
    expect(check(report, 'agent-statuses').detail).toContain('Available (ROUTABLE)');
  });

  it('fails when the attribute key is not searchable, with the console steps', async () => {
    const report = await doctor(healthy({ searchableAttributeKeys: ['SomethingElse'] }));
    const c = check(report, 'searchable-key');
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('InvalidParameterException');
    expect(c.hint).toContain('Specify searchable attribute keys');
    expect(c.hint).toContain('Configure searchable contact attributes');
    expect(c.hint).toContain('there is no API for it');
    expect(report.ok).toBe(false);
  });

  it('exits 1 from the CLI when the key is not searchable (keys are case-sensitive)', async () => {
    const { code, stdout } = await cli(['doctor', '--local', '--attribute-key', 'customerPhoneNumber']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL {2}Searchable contact attribute "customerPhoneNumber"/);
    expect(stdout).toContain('Specify searchable attribute keys');
  });

  it('fails when the queue does not exist, warns when none is given', async () => {
    const missing = await doctor(healthy(), { queueId: '00000000-0000-4000-8000-00000000dead' });
    expect(check(missing, 'queue')).toMatchObject({ status: 'fail' });
    expect(check(missing, 'queue').detail).toContain('was not found');
    expect(missing.ok).toBe(false);
    const none = await doctor(healthy(), { queueId: undefined });
    expect(check(none, 'queue').status).toBe('warn');
    expect(none.ok).toBe(true);
  });

  it('fails when no agent status is ROUTABLE', async () => {
    const report = await doctor(
      healthy({
        agentStatuses: [
          { id: 's-available', name: 'Available', type: 'CUSTOM' },
          { id: 's-lunch', name: 'Lunch', type: 'CUSTOM' },
          { id: 's-offline', name: 'Offline', type: 'OFFLINE' },
        ],
      }),
    );
    const c = check(report, 'agent-statuses');
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('No ROUTABLE agent status');
    expect(c.detail).toContain('Available (CUSTOM)');
    expect(report.ok).toBe(false);
  });

  it('warns about a renamed ROUTABLE status (informational)', async () => {
    const report = await doctor(
      healthy({
        agentStatuses: [
          { id: 's-available', name: 'Available', type: 'ROUTABLE' },
          { id: 's-ready', name: 'Ready', type: 'ROUTABLE' },
          { id: 's-lunch', name: 'Lunch', type: 'CUSTOM' },
          { id: 's-offline', name: 'Offline', type: 'OFFLINE' },
        ],
      }),
    );
    const c = check(report, 'agent-statuses');
    expect(c.status).toBe('warn');
    expect(c.detail).toContain('"Ready"');
    expect(report.ok).toBe(true);
  });

  it('fails when the function is not associated, warns without --function-arn', async () => {
    const report = await doctor(
      healthy({ lambdaFunctions: ['arn:aws:lambda:us-east-1:123456789012:function:other'] }),
    );
    const c = check(report, 'lambda-association');
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('is not associated');
    expect(report.ok).toBe(false);
    // 30 functions: more than one ListLambdaFunctions page (25), so the count proves pagination.
    const many = Array.from({ length: 30 }, (_, i) => `arn:aws:lambda:us-east-1:123456789012:function:f${i}`);
    const without = await doctor(healthy({ lambdaFunctions: many }), { functionArn: undefined });
    expect(check(without, 'lambda-association')).toMatchObject({ status: 'warn', data: { associated: 30 } });
    const last = await doctor(healthy({ lambdaFunctions: [...many, FUNCTION_ARN] }));
    expect(check(last, 'lambda-association').status).toBe('pass');
  });

  it('times out a slow call instead of hanging', async () => {
    const scenario = healthy({
      faults: {
        seed: 1,
        inject: [{ operation: 'ListLambdaFunctions', kind: 'slow', rate: 1, delayMs: 3000 }],
      } as unknown as Faults,
    });
    const started = Date.now();
    const report = await doctor(scenario, { timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(check(report, 'lambda-association')).toMatchObject({ status: 'fail' });
    expect(check(report, 'lambda-association').detail).toContain('did not answer within 0.2 s');
  });
});

describe('quotas', () => {
  it('uses the values Service Quotas lists (by name and by known code, paginated)', async () => {
    const report = await doctor(
      healthy(),
      {},
      {
        pageSize: 1,
        quotas: [
          { ...SEARCH_QUOTA, Value: 3 },
          { QuotaCode: 'L-12AB7C57', QuotaName: 'Concurrent active calls per instance', Value: 10 },
          // Per minute: 120/min is 2/s.
          { ...USER_DATA_QUOTA, Value: 120, Period: { PeriodValue: 1, PeriodUnit: 'MINUTE' } },
        ],
      },
    );
    const c = check(report, 'quotas');
    expect(c.status).toBe('pass');
    expect(listQuotasRequests).toBe(3);
    expect(c.data).toMatchObject({
      decisionsPerSecond: 2,
      decisionsPerHour: 7200,
      searchContacts: { rps: 3, source: 'service-quotas', quotaCode: 'L-0000SC01' },
      getCurrentUserData: { rps: 2, source: 'service-quotas', quotaCode: 'L-9E54B88B' },
    });
    expect(c.detail).toContain('about 2 decisions/s (7,200/hour)');
  });

  it('falls back to the documented defaults when SearchContacts is not listed', async () => {
    const report = await doctor(healthy(), {}, { quotas: [{ ...USER_DATA_QUOTA, Value: 2 }] });
    const c = check(report, 'quotas');
    expect(c.status).toBe('warn');
    expect(c.data).toMatchObject({
      decisionsPerSecond: 0.5,
      decisionsPerHour: 1800,
      searchContacts: { rps: 0.5, burst: 1, source: 'documented-default' },
      getCurrentUserData: { rps: 2, source: 'service-quotas' },
    });
    expect(c.detail).toContain('Amazon Connect service quotas');
    expect(c.detail).toContain('0.5 decisions/s (1,800/hour)');
    expect(report.ok).toBe(true);
  });

  it('warns with the defaults when Service Quotas is denied', async () => {
    const report = await doctor(healthy(), {}, { deny: ['ListServiceQuotas'] });
    const c = check(report, 'quotas');
    expect(c.status).toBe('warn');
    expect(c.detail).toContain('AccessDeniedException');
    expect(c.data).toMatchObject({
      decisionsPerSecond: 0.5,
      getCurrentUserData: { rps: 2, burst: 5, source: 'documented-default' },
    });
  });
});

describe('local Service Quotas speaks the real SDK wire format', () => {
  it('answers GetServiceQuota, NoSuchResourceException and paginated ListServiceQuotas', async () => {
    const sq = await startLocalServiceQuotas({
      region: 'eu-west-2',
      accountId: '111122223333',
      quotas: [
        USER_DATA_QUOTA,
        SEARCH_QUOTA,
        {
          QuotaCode: 'L-E3D2F503',
          QuotaName: 'AWS Lambda functions per instance',
          Value: 50,
          Adjustable: false,
        },
      ],
    });
    const client = new ServiceQuotasClient({ ...local, region: 'eu-west-2', endpoint: sq.endpoint });
    try {
      const { Quota } = await client.send(
        new GetServiceQuotaCommand({ ServiceCode: 'connect', QuotaCode: 'L-9E54B88B' }),
      );
      expect(Quota).toMatchObject({
        ServiceCode: 'connect',
        ServiceName: 'Amazon Connect',
        QuotaCode: 'L-9E54B88B',
        QuotaName: 'Rate of GetCurrentUserData API requests',
        QuotaArn: 'arn:aws:servicequotas:eu-west-2:111122223333:connect/L-9E54B88B',
        Value: 10,
        Unit: 'None',
        Adjustable: true,
        Period: { PeriodValue: 1, PeriodUnit: 'SECOND' },
      });

      const unknown = await client
        .send(new GetServiceQuotaCommand({ ServiceCode: 'connect', QuotaCode: 'L-00000000' }))
        .catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(NoSuchResourceException);
      expect((unknown as Error).name).toBe('NoSuchResourceException');

      const codes: string[] = [];
      for await (const page of paginateListServiceQuotas({ client, pageSize: 2 }, { ServiceCode: 'connect' }))
        codes.push(...(page.Quotas ?? []).map((q) => q.QuotaCode ?? ''));
      expect(codes).toEqual(['L-9E54B88B', 'L-0000SC01', 'L-E3D2F503']);
      expect(sq.requests.ListServiceQuotas).toBe(2);

      const badService = await client
        .send(new GetServiceQuotaCommand({ ServiceCode: 'nope', QuotaCode: 'L-9E54B88B' }))
        .catch((e: unknown) => e);
      expect((badService as Error).name).toBe('NoSuchResourceException');
    } finally {
      client.destroy();
      await sq.close();
    }
  });
});

describe('last-agent doctor CLI', () => {
  it('doctor --local exits 0 and prints every check, no phone number', async () => {
    const { code, stdout } = await cli(['doctor', '--local']);
    expect(code).toBe(0);
    for (const title of [
      'Configuration',
      'Contact flows',
      'A synthetic decision',
      'Searchable contact attribute',
      'Queue',
      'Agent statuses',
      'API throttling quotas',
      'Lambda association',
    ])
      expect(stdout).toContain(title);
    expect(stdout).toContain('0 failed');
    // The default path for SearchContacts shows: not listed in the local Service Quotas.
    expect(stdout).toContain('SearchContacts 0.5/s, burst 1');
    expect(stdout).not.toMatch(/\+\d{8,}/);
    for (const c of DEMO.contacts) {
      const phone = c.attributes.CustomerPhoneNumber;
      if (phone) expect(stdout).not.toContain(phone.slice(-7));
    }
  });

  it('--json prints exactly one JSON object', async () => {
    const { code, stdout } = await cli(['doctor', '--local', '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] as string) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'configuration',
      'searchable-key',
      'queue',
      'agent-statuses',
      'quotas',
      'lambda-association',
      'flows',
      'decision',
      'routing-table',
      'contact-events',
      'agent-events',
    ]);
    expect(check(report, 'quotas').data).toMatchObject({ decisionsPerSecond: 0.5 });
    expect(check(report, 'decision').data).toMatchObject({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' });
    expect(typeof check(report, 'decision').data?.decisionMs).toBe('number');
    expect(report.summary).toEqual({ pass: 7, warn: 1, fail: 0, skip: 3 });
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['doctor'])).code).toBe(2);
    const both = await cli([
      'doctor',
      '--instance-id',
      DEMO.instance.id,
      '--queue-id',
      'a',
      '--queue-arn',
      'b',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    expect((await cli(['doctor', '--local', '--instance-id', DEMO.instance.id])).code).toBe(2);
    expect((await cli(['doctor', '--local', '--attribute-key', 'has space'])).code).toBe(2);
    expect((await cli(['doctor', '--bogus'])).code).toBe(2);
    expect((await cli(['doctor', '--local', '--stack-name', 'LastAgentRouting'])).code).toBe(2);
    expect((await cli(['doctor', '--local', '--test-caller', '4155550123'])).code).toBe(2);
    expect((await cli(['doctor', '--local', '--phone-number', '+1'])).code).toBe(2);
    expect((await cli(['doctor', '--stack-name', '1bad'])).code).toBe(2);
    expect((await cli(['doctor', '--instance-id', DEMO.instance.id, '--table', 'x'])).code).toBe(2);
    expect((await cli(['doctor', '--instance-id', DEMO.instance.id, '--flow-arn', 'flow'])).code).toBe(2);
    const otherInstance =
      'arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-4000-8000-000000000000';
    const elsewhere = await cli([
      'doctor',
      '--instance-id',
      DEMO.instance.id,
      '--flow-arn',
      `${otherInstance}/contact-flow/f1`,
    ]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("is not the deployment's instance");
  });
});
