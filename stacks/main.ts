/**
 * `npm run synth`: generates the whole monitoring stack under dist/ (or --out), all or nothing.
 *
 *   node build/stacks/main.js                         all environments -> dist/
 *   node build/stacks/main.js --env production --out /tmp/prod
 */
import { parseArgs } from 'node:util';
import { ConfigError, ENVIRONMENT_NAMES, LOCAL_ENVIRONMENT } from '../contract/config/index.js';
import { writeTreeAtomically } from './output/write-tree.js';
import { synthesize } from './synth.js';

const USAGE = 'usage: synth [--env dev,staging,production] [--out DIR]  (--env with a subset needs --out, so dist/ keeps every environment)';

function main(argv: string[]): number {
  let values: { env?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { env: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`synth: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const environments = values.env ? values.env.split(',').map((s) => s.trim()) : [...ENVIRONMENT_NAMES];
  const out = values.out ?? 'dist';
  const isSubset = ENVIRONMENT_NAMES.some((e) => !environments.includes(e));
  if (environments.includes(LOCAL_ENVIRONMENT) && values.out === undefined) {
    console.error(`synth: the local environment is for the loopback stack (npm run stack:local) and never goes to dist/; use --out.\n${USAGE}`);
    return 2;
  }
  if (isSubset && values.out === undefined) {
    console.error(`synth: --env ${values.env} without --out would drop the other environments from dist/.\n${USAGE}`);
    return 2;
  }
  try {
    const started = process.hrtime.bigint();
    const tree = synthesize(environments);
    writeTreeAtomically(out, tree);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`synth: wrote ${tree.paths().length} files for ${environments.join(', ')} to ${out}/ in ${ms.toFixed(0)} ms`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`synth: ${err.message}\nNothing was written; ${out}/ is unchanged.`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
