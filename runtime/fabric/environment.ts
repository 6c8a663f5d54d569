// A process's environment as it travels with a spawn request: a child starts with its parent's
// `process.env` as it was at the spawn call (SPEC §4), not the run's first one.

/** Environment variables, as a process's `process.env` holds them. */
export type Environment = Readonly<Record<string, string>>;

/** Whether `value` is an {@link Environment} (it came over the wire). */
export function isEnvironment(value: unknown): value is Environment {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}
