/**
 * The CI example (examples/ci/deploy-with-monitoring.yml) as a user copies it: its names are the
 * stack's, and its verification step's shell runs, with a recording stand-in for kubectl (no API
 * server here), to the Job's exit code: 0 passes the workflow, 1 and 2 fail it, a Job killed at its
 * deadline fails it too.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VERIFY_DEPLOYMENT } from '../contract/components.js';
import { loadConfig } from '../contract/config/index.js';
import { REPO_ROOT } from './helpers/dist.js';

interface Step { name?: string; run?: string; env?: Record<string, string>; uses?: string }
const text = readFileSync(join(REPO_ROOT, 'examples', 'ci', 'deploy-with-monitoring.yml'), 'utf8');
const wf = parse(text) as { env: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
const steps = wf.jobs.deploy.steps;
const stepNamed = (name: string): Step => steps.find((s) => s.name === name)!;
const config = loadConfig('production', {});

describe('CI example workflow', () => {
  it('deploys, waits for the rollout, then verifies from the cluster with the stack\'s names', () => {
    const order = ['Cluster credentials', 'Deploy application', 'Wait for the rollout', 'Verify health checks and monitoring'].map((n) => steps.findIndex((s) => s.name === n));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(wf.env).toEqual({ MONITORING_NAMESPACE: config.namespace, APP_NAMESPACE: config.kubernetes.appNamespace, APP_DEPLOYMENT: config.kubernetes.deploymentVerification.appService });
    expect(stepNamed('Verify health checks and monitoring').run).toContain(`--from=cronjob/${VERIFY_DEPLOYMENT.name}`);
    const cron = readFileSync(join(REPO_ROOT, 'dist', 'production', 'k8s', 'verify-deployment.yaml'), 'utf8');
    expect(cron).toMatch(new RegExp(`kind: CronJob\\n[\\s\\S]*name: ${VERIFY_DEPLOYMENT.name}\\n  namespace: ${config.namespace}\\n`));
    // Credentials only from the repository's secrets; nothing of the app's repository is assumed but deploy.sh.
    expect(stepNamed('Cluster credentials').env).toEqual({ KUBECONFIG_B64: '${{ secrets.KUBECONFIG_B64 }}' });
    expect(text).not.toMatch(/npm run verify|hooks\.slack\.com/);
  });

  describe('the verification step\'s shell', () => {
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ci-example-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs the step with kubectl answering: not finished twice, then `final` (`1/` or `/1`), the container's exit code `code`. */
    function runStep(final: string, code: string): { status: number | null; calls: string[]; out: string } {
      const calls = join(dir, 'calls');
      const kubectl = join(dir, 'kubectl');
      writeFileSync(kubectl, `#!/bin/sh
echo "$*" >> "${calls}"
case "$*" in
  *"create job"*) echo "job.batch/created" ;;
  *"get job"*) n=$(grep -c "get job" "${calls}"); if [ "$n" -ge 3 ]; then printf '%s' '${final}'; else printf '/'; fi ;;
  *"logs job/"*) echo "verify: Deployment verification result" ;;
  *"get pods"*) printf '%s' '${code}' ;;
esac
`);
      writeFileSync(join(dir, 'sleep'), '#!/bin/sh\nexit 0\n');
      chmodSync(kubectl, 0o755);
      chmodSync(join(dir, 'sleep'), 0o755);
      const r = spawnSync('bash', ['-e', '-c', stepNamed('Verify health checks and monitoring').run!], {
        env: { ...wf.env, PATH: `${dir}:/usr/bin:/bin`, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' },
        encoding: 'utf8',
      });
      return { status: r.status, calls: readFileSync(calls, 'utf8').trim().split('\n'), out: r.stdout };
    }

    it('passes when the Job succeeds, after creating it from the CronJob, waiting and printing its logs', () => {
      const r = runStep('1/', '0');
      expect(r.status).toBe(0);
      expect(r.calls[0]).toBe(`-n ${config.namespace} create job verify-4242-1 --from=cronjob/${VERIFY_DEPLOYMENT.name}`);
      expect(r.calls.filter((c) => c.includes('get job')).length).toBe(3);
      expect(r.out).toContain('verify: Deployment verification result');
    });

    it('fails with the Job\'s exit code: unhealthy 1, metrics missing 2, killed at its deadline 1', () => {
      expect(runStep('/1', '1').status).toBe(1);
      expect(runStep('/1', '2').status).toBe(2);
      expect(runStep('/1', '').status).toBe(1);
    });
  });
});
