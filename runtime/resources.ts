/**
 * What a process needs: `mem` in bytes, `cpu` as a fraction of one logical core.
 *
 * @example
 * ```ts
 * const big: Resources = { mem: 2 * Mem.GiB, cpu: 2 * Cpu.CORE };
 * ```
 */
export interface Resources {
  readonly mem: number;
  readonly cpu: number;
}

/**
 * Byte units (powers of 1024).
 *
 * @example
 * ```ts
 * const r: Resources = { mem: 512 * Mem.MiB, cpu: 0.5 };
 * ```
 */
export const Mem = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;

/**
 * CPU units: `Cpu.CORE` is one logical core.
 *
 * @example
 * ```ts
 * const r: Resources = { mem: Mem.GiB, cpu: Cpu.CORE / 4 };
 * ```
 */
export const Cpu = { CORE: 1 } as const;

const DEFAULT: Resources = Object.freeze({ mem: 100 * Mem.MiB, cpu: Cpu.CORE / 16 });

/**
 * Resources helpers.
 *
 * @example
 * ```ts
 * await init(Resources.default()); // { mem: 100 MiB, cpu: 1/16 core }
 * ```
 */
export const Resources = {
  /** `{ mem: 100 MiB, cpu: 1/16 }`, the original's default (without its 2014 typo). */
  default(): Resources {
    return DEFAULT;
  },
};

const UNITS: Record<string, number> = { "": 1, B: 1, KiB: Mem.KiB, MiB: Mem.MiB, GiB: Mem.GiB, TiB: Mem.TiB, PiB: 1024 ** 5, EiB: 1024 ** 6 };

/**
 * Parses a memory size as the original does: digits, an optional fraction, an optional single
 * space, and a unit among `B KiB MiB GiB TiB PiB EiB` (case-sensitive; `KB`/`GB` are refused).
 *
 * @example
 * ```ts
 * parseMem("100 GiB"); // 107374182400
 * parseMem("1.5GiB");  // 1610612736
 * ```
 */
export function parseMem(text: string): number {
  const m = /^(\d+)(?:\.(\d*))?(?: (?=\S))?([A-Za-z]*)$/.exec(text);
  const unit = m ? UNITS[m[3]!] : undefined;
  if (!m || unit === undefined) {
    throw new RangeError(`invalid memory size ${JSON.stringify(text)}: expected e.g. "100 GiB" (units B, KiB, MiB, GiB, TiB, PiB, EiB)`);
  }
  const fraction = m[2] ?? "";
  const whole = BigInt(m[1]!) * BigInt(unit);
  const part = fraction === "" ? 0n : (BigInt(fraction) * BigInt(unit)) / 10n ** BigInt(fraction.length);
  return Number(whole + part);
}
