/**
 * The example pull-request workflow (examples/ci/review-diff.yml) calls `npm run diff` with flags
 * and values the command accepts, posts the file it writes, and finds its previous comment by
 * the marker the markdown starts with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { OPTIONS, parseOptions } from '../stacks/review/options.js';
import { COMMENT_MARKER } from '../stacks/review/render-markdown.js';
import { REPO_ROOT } from './helpers/dist.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

describe('CI example: review-diff on pull requests', () => {
  const wf = parse(readFileSync(join(REPO_ROOT, 'examples', 'ci', 'review-diff.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = wf.jobs.review.steps;
  const reviewStep = steps.find((s) => s.run?.includes('npm run -s diff --')) as Step;
  const command = /npm run -s diff -- (.*)/.exec(reviewStep?.run ?? '')?.[1] ?? '';
  const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]).replace('$BASE_REF', 'main'));

  it('runs on pull requests with the history of the base branch and may comment', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toEqual({ 'fetch-depth': 0 });
    expect(reviewStep.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
  });

  it('names only flags the command accepts, with values it accepts', () => {
    const flags = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2));
    expect(flags).toEqual(['base', 'format', 'output', 'fail-on']);
    for (const f of flags) expect(Object.keys(OPTIONS)).toContain(f);
    expect(parseOptions(args)).toMatchObject({ base: 'origin/main', format: 'markdown', output: 'review.md', failOn: 'risk' });
  });

  it('posts the file the command wrote, finding its earlier comment by the markdown\'s marker', () => {
    const post = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    const script = String(post?.with?.script ?? '');
    expect(script).toContain("readFileSync('review.md'");
    expect(script).toContain(`'${COMMENT_MARKER}'`);
    expect(script).toMatch(/updateComment[\s\S]*createComment/);
  });

  it('fails the check on exit code 1 (risks) unless the risk is accepted by label; usage and tool errors fail at once', () => {
    expect(reviewStep.run).toContain('if [ "$code" -ge 2 ]; then exit "$code"; fi');
    const gate = steps[steps.length - 1];
    expect(gate.if).toBe("steps.review.outputs.exit-code == '1' && !contains(github.event.pull_request.labels.*.name, 'monitoring-risk-accepted')");
    expect(gate.run).toMatch(/exit 1\s*$/);
  });
});
