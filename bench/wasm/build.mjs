// What the wasm benches share: the repository root, `--name value` arguments, and building
// bench/wasm (`reallot-bench-wasm`) for wasm32 with a cargo profile, bound by wasm-bindgen.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The value after `--name` on the command line, or `dflt`. */
export const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

/** Builds the bench crate with cargo `profile` and binds it for wasm-bindgen's `target`
 *  ('nodejs' or 'web') into `outDir`; returns the path of the bound JS module. */
export function buildBench(profile, target, outDir) {
  const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  sh('cargo', ['build', '-q', '-p', 'reallot-bench-wasm', '--target', 'wasm32-unknown-unknown', '--profile', profile]);
  sh('wasm-bindgen', ['--target', target, '--out-dir', outDir,
    path.join(root, `target/wasm32-unknown-unknown/${profile}/reallot_bench_wasm.wasm`)]);
  return path.join(outDir, 'reallot_bench_wasm.js');
}
