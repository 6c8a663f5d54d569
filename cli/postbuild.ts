// Run by `npm run build` after tsc.
// - tsc writes files without the execute bit, and the bins must be runnable as
//   `./node_modules/.bin/constellation` (npm sets the bit only when installing).
// - The I/O thread's code and the preload that starts it early (runtime/io/boot.ts) are bundled
//   into one CommonJS file each: a worker loading its ~20 ES modules one by one took ~70 ms to
//   start here, from one CommonJS file ~40; the preload took ~20 ms as ES modules, ~5 as one
//   file. Neither shares a thread with the runtime's modules, so no module exists twice in one.
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { rollup } from "rollup";

const here = import.meta.dirname;
for (const name of readdirSync(here).filter((name) => name.endsWith(".js"))) chmodSync(join(here, name), 0o755);

const io = join(here, "../runtime/io");
for (const entry of ["thread", "preboot"]) {
  const bundle = await rollup({
    input: join(io, `${entry}.js`),
    external: (id) => id.startsWith("node:"),
    // Node's modules are loaded only where used (node:crypto alone costs ~5 ms).
    treeshake: { moduleSideEffects: "no-external" },
    onwarn(warning, warn) {
      // closure.ts and the codec import each other; the order they evaluate in is unchanged.
      if (warning.code !== "CIRCULAR_DEPENDENCY") warn(warning);
    },
  });
  await bundle.write({ file: join(io, `${entry}.bundle.cjs`), format: "cjs", sourcemap: true });
  await bundle.close();
}
