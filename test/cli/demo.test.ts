import { describe, expect, it } from 'vitest';
import { REASON_WORDS, ms, traceLines } from '../../cli/decision-view';
import type { TraceEntry } from '../../local/runner';
import { Reason } from '../../steps/lib/decision/decision';
import { runCli } from './run-cli';

/** The demo's output, one block per caller (the text after "▶ "). */
const blocks = (stdout: string) => stdout.split('\n▶ ').slice(1);
const STATE_LINE = /^ {4} *(?:<1|\d+) ms {2}(?:SUCCEEDED|FAILED|RETRIED|CAUGHT) /;

describe('the demo answers first', () => {
  it('shows each caller compactly: masked caller, route, reason in words, agent by name, what the agent hears', async () => {
    const { code, stdout } = await runCli(['demo']);
    expect(code).toBe(0);
    const callers = blocks(stdout);
    expect(callers.length).toBe(12);
    for (const block of callers) {
      const lines = block.trimEnd().split('\n');
      expect(lines[1], block).toMatch(/^ {2}caller \S.* → (?:LAST_AGENT|LAST_QUEUE|DEFAULT)/);
      expect(lines[2], block).toMatch(/^ {2}because .+ \([A-Z_]+\)$/);
      expect(lines[3], block).toMatch(/^ {2}agent hears: /);
      // No per-state timings without --trace.
      expect(
        lines.filter((l) => STATE_LINE.test(l)),
        block,
      ).toEqual([]);
    }
    const alice = callers.find((b) => b.startsWith('Returning caller, last agent (Alice) is free'));
    expect(alice).toContain('caller +*********23 → LAST_AGENT, to Alice Martin (alice)');
    expect(alice).toContain('because the last agent is available (LAST_AGENT_AVAILABLE)');
    expect(stdout).not.toContain('Csat Gate');
    expect(stdout).toContain('npx last-agent demo --trace');
  });

  it('the agent hears one text for a returning caller, naming the last agent by first name, whatever the route (issue 25)', async () => {
    const { stdout } = await runCli(['demo']);
    const hears = (title: string) =>
      blocks(stdout)
        .find((b) => b.startsWith(title))
        ?.match(/agent hears: (.*)/)?.[1];
    expect(hears('Returning caller, last agent (Alice) is free')).toBe(
      '"Claims. Returning caller, last spoke with Alice 2 days ago."',
    );
    // Bob is busy on another call: whoever answers hears the same sentence about Bob.
    expect(hears('Last agent (Bob) is on another call')).toMatch(
      /^"Claims\. Returning caller, last spoke with Bob /,
    );
    expect(hears('Last agent (Erin) does not serve the Claims queue')).toMatch(/last spoke with Erin /);
    expect(hears('First-time caller')).toBe("only the instance's default whisper (not a returning caller)");
    // First names only: the demo's agents have surnames (Alice Martin), never whispered.
    expect(stdout.match(/agent hears: .*/g)?.join('\n')).not.toMatch(/Martin|You spoke|colleague/);
  });

  it('--trace lists the states with whole-millisecond timings, the parent before its children, no CSAT gate states without a gate', async () => {
    const { code, stdout } = await runCli(['demo', '--trace']);
    expect(code).toBe(0);
    const callers = blocks(stdout);
    const alice = callers.find((b) => b.startsWith('Returning caller, last agent (Alice) is free')) as string;
    const states = alice.split('\n').filter((l) => STATE_LINE.test(l));
    const names = states.map((l) => l.replace(STATE_LINE, ''));
    expect(names).toEqual([
      'Search Recent Contacts',
      'Pick Last Agent Contact',
      'Agent Contact Found?',
      'Check Agent And Csat',
      '  Check Agent Availability',
      'Route Choice Inputs',
      'Choose Route',
    ]);
    // Only the CSAT call sets a gate (LAST_AGENT_CSAT_ATTRIBUTE); its block alone shows the gate's states.
    const withGate = callers.filter((b) => b.includes('Csat Gate'));
    expect(withGate.map((b) => b.split('\n')[0])).toEqual([
      'Last call rated 1/5, CSAT gate on (LAST_AGENT_CSAT_ATTRIBUTE=csat)',
    ]);
    expect(stdout).not.toMatch(/\d\.\d+ ms/);
  });
});

describe('decide --trace', () => {
  it('is refused with --json, which already holds the trace', async () => {
    const { code, stdout, stderr } = await runCli(['decide', '--phone', '+14155550123', '--trace', '--json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--trace goes without --json/);
  });
});

describe('the decision view', () => {
  it('has words for every reason code', () => {
    for (const reason of Reason.options) expect(REASON_WORDS[reason], reason).toMatch(/\w{3}/);
  });

  it('prints milliseconds as whole numbers, "<1" below one', () => {
    expect([ms(0), ms(0.18), ms(1.4), ms(66.5)]).toEqual(['<1', '<1', '1', '67']);
  });

  it('orders a Parallel before its branch states even when they start in the same millisecond and end first', () => {
    const entry = (state: string, startMs: number, durationMs: number): TraceEntry => ({
      state,
      type: 'Task',
      startMs,
      durationMs,
      status: 'SUCCEEDED',
    });
    // The runtime reports a state when it ends: children before their parent.
    const lines = traceLines(
      [
        entry('Agent Contact Found?', 10, 0),
        entry('Check Agent Availability', 10, 50),
        entry('Csat Gate On?', 10, 0),
        entry('Csat Gate Off', 10, 0),
        entry('Check Agent And Csat', 10, 50),
        entry('Route Choice Inputs', 60, 0),
      ],
      false,
    );
    expect(lines.map((l) => l.replace(STATE_LINE, ''))).toEqual([
      'Agent Contact Found?',
      'Check Agent And Csat',
      '  Check Agent Availability',
      'Route Choice Inputs',
    ]);
  });
});
