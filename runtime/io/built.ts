// The files cli/postbuild.ts bundles beside each other in dist/runtime/io: the preload that starts
// the I/O thread early, and the I/O thread's code. Found through the package's own exports, so
// that the runtime finds them wherever it runs from: its bundle (dist/runtime/bundle), the files
// tsc emitted, or the sources (the tests).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The preload (runtime/io/preboot.ts, bundled). */
export const PREBOOT_FILE = createRequire(import.meta.url).resolve("constellation-ts/preboot");

/**
 * The I/O thread's code (runtime/io/thread.ts), bundled into one CommonJS file: loaded as ~20
 * ES modules, it took the worker ~70 ms to start here; as one CommonJS file, ~40.
 */
export const THREAD_FILE = join(dirname(PREBOOT_FILE), "thread.bundle.cjs");
