// Run by `npm run build` after tsc: tsc writes files without the execute bit, and the bins must
// be runnable as `./node_modules/.bin/constellation` (npm sets the bit only when installing).
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dirname;
for (const name of readdirSync(here).filter((name) => name.endsWith(".js"))) chmodSync(join(here, name), 0o755);
