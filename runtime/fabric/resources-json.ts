import type { Resources } from "../resources.js";

/**
 * Reads resources as they travel in control frames and CONSTELLATION_RESOURCES:
 * `{ "mem": bytes, "cpu": fraction of a core }`, both finite and non-negative, `mem` whole.
 * Returns undefined for anything else.
 */
export function parseResources(value: unknown): Resources | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { mem, cpu } = value as { mem?: unknown; cpu?: unknown };
  if (typeof mem !== "number" || !Number.isSafeInteger(mem) || mem < 0) return undefined;
  if (typeof cpu !== "number" || !Number.isFinite(cpu) || cpu < 0) return undefined;
  return { mem, cpu };
}

/** Resources as {@link parseResources} reads them back: `{"mem":…,"cpu":…}`, nothing else. */
export function resourcesJson(resources: Resources): string {
  return JSON.stringify({ mem: resources.mem, cpu: resources.cpu });
}
