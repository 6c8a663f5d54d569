import { describe, expect, it } from "vitest";
import { ConstellationError } from "../../runtime/errors.js";
import { microsFromEnv } from "../../runtime/io/shared.js";

describe("microsFromEnv", () => {
  it("is the fallback when the variable is unset or blank, else its number", () => {
    expect(microsFromEnv("CONSTELLATION_MAIN_SPIN_US", 10, {})).toBe(10);
    expect(microsFromEnv("CONSTELLATION_MAIN_SPIN_US", 10, { CONSTELLATION_MAIN_SPIN_US: " " })).toBe(10);
    expect(microsFromEnv("CONSTELLATION_MAIN_SPIN_US", 10, { CONSTELLATION_MAIN_SPIN_US: "0" })).toBe(0);
    expect(microsFromEnv("CONSTELLATION_IO_SPIN_US", 150, { CONSTELLATION_IO_SPIN_US: "37.5" })).toBe(37.5);
  });

  it.each(["fast", "-1", "Infinity", "10us"])("refuses %j, naming the variable and the value", (raw) => {
    const read = () => microsFromEnv("CONSTELLATION_IO_SPIN_US", 150, { CONSTELLATION_IO_SPIN_US: raw });
    expect(read).toThrow(ConstellationError);
    expect(read).toThrow(`CONSTELLATION_IO_SPIN_US=${JSON.stringify(raw)}: expected a number of microseconds, 0 or more`);
  });
});
