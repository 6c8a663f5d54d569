// Run by `npm run build` after tsc.
// - tsc writes files without the execute bit, and the bins must be runnable as
//   `./node_modules/.bin/constellation` (npm sets the bit only when installing).
// - The I/O thread's code and the preload that starts it early (runtime/io/boot.ts) are bundled
//   into one CommonJS file each: a worker loading its ~20 ES modules one by one took ~70 ms to
//   start here, from one CommonJS file ~40; the preload took ~20 ms as ES modules, ~5 as one
//   file. Neither shares a thread with the runtime's modules, so no module exists twice in one.
// - The runtime itself (what `import "constellation-ts"` loads in every process) is bundled into
//   ES modules in dist/runtime/bundle: its ~60 modules took ~75 ms to load here, the bundle ~35.
//   Its two entries share their code through chunks, so the public API and what transformed
//   modules import (`constellation-ts/internal`) are one runtime.
// - The bundles' source maps are written without the comment that points at them: programs run
//   with --enable-source-maps (cli/run.ts), and Node would then parse ~300 KB of our maps in
//   every process, ~8 ms of its start here, to map frames of the library rather than the program.
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { rollup, type InputOption, type OutputOptions } from "rollup";

const here = import.meta.dirname;
for (const name of readdirSync(here).filter((name) => name.endsWith(".js"))) chmodSync(join(here, name), 0o755);

/** Bundles `input` with rollup; modules for which `external` holds stay imports. */
async function bundle(input: InputOption, external: (id: string) => boolean, output: OutputOptions): Promise<void> {
  const build = await rollup({
    input,
    external,
    // Node's modules are loaded only where used (node:crypto alone costs ~5 ms).
    treeshake: { moduleSideEffects: "no-external" },
    onwarn(warning, warn) {
      // closure.ts and the codec import each other; the order they evaluate in is unchanged.
      if (warning.code !== "CIRCULAR_DEPENDENCY") warn(warning);
    },
  });
  await build.write({ sourcemap: "hidden", ...output });
  await build.close();
}

const builtin = (id: string): boolean => id.startsWith("node:");
const runtime = join(here, "../runtime");
for (const entry of ["thread", "preboot"]) {
  await bundle(join(runtime, "io", `${entry}.js`), builtin, { file: join(runtime, "io", `${entry}.bundle.cjs`), format: "cjs" });
}
// npm packages (picocolors) stay imports, resolved as the package's dependencies.
await bundle(
  { index: join(runtime, "index.js"), internal: join(runtime, "internal.js") },
  (id) => builtin(id) || !(id.startsWith(".") || id.startsWith("/")),
  { dir: join(runtime, "bundle"), format: "es", chunkFileNames: "chunks/[name].js" },
);
