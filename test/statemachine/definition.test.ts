import { describe, expect, it } from 'vitest';
import { STEPS, localDefinition } from '../../local/runner';
import { TASK_FUNCTIONS, readDefinitionText, substitute } from '../../statemachine/definition';

type State = {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Resource?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string; ErrorEquals: string[] }[];
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; IntervalSeconds?: number }[];
  Branches?: Machine[];
};
type Machine = { StartAt: string; States: Record<string, State> };

const machine = JSON.parse(readDefinitionText()) as Machine;

function allStates(m: Machine): [string, State, Machine][] {
  return Object.entries(m.States).flatMap(([name, s]) => [
    [name, s, m] as [string, State, Machine],
    ...(s.Branches ?? []).flatMap(allStates),
  ]);
}

describe('state machine definition', () => {
  it('has a placeholder for every step function and nothing else', () => {
    const placeholders = [...readDefinitionText().matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(placeholders)).toEqual(new Set(Object.keys(TASK_FUNCTIONS)));
  });

  it('fails loudly when a placeholder is not substituted', () => {
    expect(() => substitute(readDefinitionText(), { SearchContactsFunctionArn: 'x' })).toThrow(
      /unsubstituted/,
    );
  });

  it('substitutes every placeholder for the local runtime', () => {
    expect(JSON.stringify(localDefinition())).not.toContain('${');
  });

  it('every Next, Default, Choice and Catch target exists in its scope', () => {
    for (const [name, state, scope] of allStates(machine)) {
      const targets = [
        state.Next,
        state.Default,
        ...(state.Choices ?? []).map((c) => c.Next),
        ...(state.Catch ?? []).map((c) => c.Next),
      ].filter(Boolean) as string[];
      for (const t of targets) expect(scope.States, `${name} → ${t}`).toHaveProperty([t]);
      expect(state.End === true || targets.length > 0, `${name} has no way out`).toBe(true);
    }
  });

  it('maps every Task state to a step handler of the same name', () => {
    const tasks = allStates(machine)
      .filter(([, s]) => s.Type === 'Task')
      .map(([n]) => n);
    expect(new Set(tasks)).toEqual(new Set(STEPS.map((s) => s.state)));
  });

  it('retries only Lambda service errors, once, and catches everything else', () => {
    for (const [name, state] of allStates(machine).filter(([, s]) => s.Type === 'Task')) {
      for (const r of state.Retry ?? []) {
        expect(
          r.ErrorEquals.every((e) => e.startsWith('Lambda.')),
          name,
        ).toBe(true);
        expect(r.MaxAttempts).toBe(1);
      }
    }
    const topLevel = Object.entries(machine.States).filter(
      ([, s]) => s.Type === 'Task' || s.Type === 'Parallel',
    );
    for (const [name, state] of topLevel) {
      expect(state.Catch?.at(-1)?.ErrorEquals, name).toEqual(['States.ALL']);
    }
  });

  it('runs the availability and CSAT checks in a Parallel state', () => {
    const parallel = machine.States['Check Agent And Csat'];
    expect(parallel?.Type).toBe('Parallel');
    expect(parallel?.Branches?.map((b) => b.StartAt)).toEqual(['Check Agent Availability', 'Csat Gate On?']);
  });
});
