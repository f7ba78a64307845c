import { GetContactAttributesCommand, ResourceNotFoundException } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkLastContactCsat, gateOnCsat } from '../../steps/check-last-contact-csat';
import { loadConfig } from '../../steps/lib/runtime/config';
import { INSTANCE_ID, stepDeps } from './fixtures';

const gate = loadConfig({ LAST_AGENT_CSAT_ATTRIBUTE: 'csat', LAST_AGENT_MIN_CSAT: '3' });

describe('gateOnCsat', () => {
  it.each([
    ['5', 'PASS', 'ABOVE_THRESHOLD'],
    ['3', 'PASS', 'ABOVE_THRESHOLD'],
    ['2', 'FAIL', 'BELOW_THRESHOLD'],
    [' 2.5 ', 'FAIL', 'BELOW_THRESHOLD'],
    [undefined, 'PASS', 'MISSING'],
    ['', 'PASS', 'MISSING'],
    ['great', 'PASS', 'NOT_A_NUMBER'],
  ])('score %j gives %s (%s)', (score, expected, detail) => {
    expect(gateOnCsat(score, gate)).toMatchObject({ gate: expected, detail });
  });

  it('fails a missing score when LAST_AGENT_CSAT_MISSING is fail', () => {
    const strict = loadConfig({ LAST_AGENT_CSAT_ATTRIBUTE: 'csat', LAST_AGENT_CSAT_MISSING: 'fail' });
    expect(gateOnCsat(undefined, strict).gate).toBe('FAIL');
  });

  it('is skipped when no CSAT attribute is configured', () => {
    expect(gateOnCsat('1', loadConfig({}))).toEqual({ gate: 'SKIPPED', detail: 'GATE_OFF' });
  });
});

describe('Check Last Contact Csat', () => {
  const connect = mockClient(stepDeps().connect);
  beforeEach(() => connect.reset());
  const input = { instanceId: INSTANCE_ID, initialContactId: 'c1', deadlineAt: 1_003_000 };
  const deps = () => ({ ...stepDeps({ LAST_AGENT_CSAT_ATTRIBUTE: 'csat' }), connect: connect as never });

  it('reads the attribute of the last contact chain', async () => {
    connect.on(GetContactAttributesCommand).resolves({ Attributes: { csat: '1' } });

    expect(await checkLastContactCsat(input, deps())).toMatchObject({ gate: 'FAIL', score: '1' });
    expect(connect.commandCalls(GetContactAttributesCommand)[0]?.args[0].input).toEqual({
      InstanceId: INSTANCE_ID,
      InitialContactId: 'c1',
    });
  });

  it('treats a contact without attributes (404) as a missing score', async () => {
    connect
      .on(GetContactAttributesCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    expect(await checkLastContactCsat(input, deps())).toMatchObject({ gate: 'PASS', detail: 'MISSING' });
  });

  it('makes no call when the gate is off', async () => {
    await checkLastContactCsat(input, { ...stepDeps(), connect: connect as never });
    expect(connect.calls()).toHaveLength(0);
  });
});
