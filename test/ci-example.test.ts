import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './helpers/dist.js';

describe('CI example workflow', () => {
  const text = readFileSync(join(REPO_ROOT, 'examples', 'ci', 'deploy-with-monitoring.yml'), 'utf8');
  const wf = parse(text) as { jobs: Record<string, { steps: { run?: string; env?: Record<string, string> }[] }> };

  it('verifies after deploying, with the guide 300 s bound, through npm run verify', () => {
    const steps = wf.jobs.deploy.steps;
    const deploy = steps.findIndex((s) => s.run === './deploy.sh');
    const verify = steps.findIndex((s) => s.run?.startsWith('npm run verify -- --url'));
    expect(deploy).toBeGreaterThan(-1);
    expect(verify).toBeGreaterThan(deploy);
    expect(steps[verify].run).toContain('--timeout 300');
    expect(steps[verify].env?.SLACK_WEBHOOK_URL).toBe('${{ secrets.SLACK_WEBHOOK_URL }}');
  });

  it('names only flags the verify command accepts', () => {
    const run = wf.jobs.deploy.steps.find((s) => s.run?.startsWith('npm run verify'))?.run ?? '';
    const flags = [...run.matchAll(/--([a-z-]+)/g)].map((m) => m[1]).filter((f) => f !== '');
    const source = readFileSync(join(REPO_ROOT, 'exporters', 'cli', 'verify.ts'), 'utf8');
    for (const f of flags) expect(source).toMatch(new RegExp(`'?${f}'?: \\{ type: '(string|boolean)' \\}`));
  });
});
