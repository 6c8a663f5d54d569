import { describe, expect, it } from "vitest";
import { ConstellationError } from "../../runtime/errors.js";
import { readMicros, readRole } from "../../runtime/process/env.js";

const PID = "0123456789abcdef@127.0.0.1:40000";
const child = {
  CONSTELLATION_ROLE: "child",
  CONSTELLATION_PID: PID,
  CONSTELLATION_FABRIC: "127.0.0.1:39999",
  CONSTELLATION_SECRET: "ab".repeat(32),
  CONSTELLATION_RESOURCES: '{"mem":104857600,"cpu":0.0625}',
};

describe("readRole", () => {
  it("is the bridge without CONSTELLATION_ROLE, in the form CONSTELLATION_FORMAT names, with CONSTELLATION_SPARES spares", () => {
    expect(readRole({})).toEqual({ role: "bridge", format: "human", spares: 1 });
    expect(readRole({ CONSTELLATION_FORMAT: "JSON", CONSTELLATION_SPARES: "0" })).toEqual({ role: "bridge", format: "json", spares: 0 });
    expect(readRole({ CONSTELLATION_SPARES: "8" })).toMatchObject({ spares: 8 });
  });

  it("reads a launched process's pid, fabric, secret and resources", () => {
    expect(readRole(child)).toEqual({
      role: "child",
      pid: PID,
      fabric: { host: "127.0.0.1", port: 39999 },
      secret: "ab".repeat(32),
      resources: { mem: 104857600, cpu: 0.0625 },
    });
    expect(readRole({ ...child, CONSTELLATION_ROLE: "root", CONSTELLATION_FABRIC: "[::1]:5" })).toMatchObject({ role: "root", fabric: { host: "::1", port: 5 } });
  });

  it.each([
    [{ CONSTELLATION_FORMAT: "xml" }, /CONSTELLATION_FORMAT="xml" is invalid: expected "human" or "json"/],
    [{ CONSTELLATION_SPARES: "9" }, /CONSTELLATION_SPARES="9" is invalid: expected a whole number from 0 to 8/],
    [{ CONSTELLATION_SPARES: "-1" }, /CONSTELLATION_SPARES="-1" is invalid/],
    [{ CONSTELLATION_SPARES: "1.5" }, /CONSTELLATION_SPARES="1.5" is invalid/],
    [{ ...child, CONSTELLATION_ROLE: "boss" }, /CONSTELLATION_ROLE="boss" is invalid/],
    [{ ...child, CONSTELLATION_PID: undefined }, /CONSTELLATION_PID is not set, but CONSTELLATION_ROLE=child is/],
    [{ ...child, CONSTELLATION_PID: "nope" }, /CONSTELLATION_PID="nope" is invalid: expected a pid/],
    [{ ...child, CONSTELLATION_FABRIC: "localhost" }, /CONSTELLATION_FABRIC="localhost" is invalid/],
    [{ ...child, CONSTELLATION_FABRIC: "h:70000" }, /CONSTELLATION_FABRIC="h:70000" is invalid/],
    [{ ...child, CONSTELLATION_SECRET: "xyz" }, /CONSTELLATION_SECRET is invalid: expected at least 32 hex digits/],
    [{ ...child, CONSTELLATION_RESOURCES: "{" }, /CONSTELLATION_RESOURCES="\{" is invalid/],
    [{ ...child, CONSTELLATION_RESOURCES: '{"mem":-1,"cpu":1}' }, /CONSTELLATION_RESOURCES=.* is invalid/],
  ])("refuses malformed values with a clear error (%#)", (env, message) => {
    expect(() => readRole(env)).toThrow(ConstellationError);
    expect(() => readRole(env)).toThrow(message);
  });
});

describe("readMicros", () => {
  it("is undefined when the variable is unset or blank, else its number", () => {
    expect(readMicros("CONSTELLATION_MAIN_SPIN_US", {})).toBeUndefined();
    expect(readMicros("CONSTELLATION_MAIN_SPIN_US", { CONSTELLATION_MAIN_SPIN_US: " " })).toBeUndefined();
    expect(readMicros("CONSTELLATION_MAIN_SPIN_US", { CONSTELLATION_MAIN_SPIN_US: "0" })).toBe(0);
    expect(readMicros("CONSTELLATION_IO_SPIN_US", { CONSTELLATION_IO_SPIN_US: "37.5" })).toBe(37.5);
  });

  it.each(["fast", "-1", "Infinity", "10us"])("refuses %j, naming the variable and the value", (raw) => {
    const read = () => readMicros("CONSTELLATION_IO_SPIN_US", { CONSTELLATION_IO_SPIN_US: raw });
    expect(read).toThrow(ConstellationError);
    expect(read).toThrow(`CONSTELLATION_IO_SPIN_US=${JSON.stringify(raw)} is invalid: expected a number of microseconds, 0 or more`);
  });
});
