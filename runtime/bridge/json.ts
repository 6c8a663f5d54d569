import { isUtf8 } from "node:buffer";
import type { Writable } from "node:stream";
import type { Pid } from "../pid.js";
import type { OutputFd, RunEvent } from "./events.js";
import type { Formatter } from "./formatter.js";
import { Utf8Carry } from "./utf8-carry.js";

/**
 * The machine form (SPEC §5): one JSON object per line on `out`, nothing else. Output bytes are
 * `data` (text) when valid UTF-8, else `base64`; a character split between two chunks is held
 * back so that it is emitted whole.
 */
export class JsonFormatter implements Formatter {
  private readonly carries = new Map<`${Pid}:${OutputFd}`, Utf8Carry>();

  constructor(private readonly out: Writable) {}

  write(event: RunEvent): void {
    switch (event.type) {
      case "start":
      case "spawn":
        this.line(event);
        break;
      case "output":
        this.output(event.pid, event.fd, this.carry(event.pid, event.fd).push(event.bytes));
        break;
      case "close": {
        const key = `${event.pid}:${event.fd}` as const;
        this.output(event.pid, event.fd, this.carries.get(key)?.flush() ?? new Uint8Array(0));
        this.carries.delete(key);
        this.line(event);
        break;
      }
      case "exit":
        this.line({ type: "exit", pid: event.pid, status: event.status, ...(event.reason === undefined ? {} : { reason: event.reason }) });
        break;
    }
  }

  private carry(pid: Pid, fd: OutputFd): Utf8Carry {
    const key = `${pid}:${fd}` as const;
    let carry = this.carries.get(key);
    if (!carry) this.carries.set(key, (carry = new Utf8Carry()));
    return carry;
  }

  private output(pid: Pid, fd: OutputFd, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (isUtf8(buffer)) this.line({ type: "output", pid, fd, data: buffer.toString("utf8") });
    else this.line({ type: "output", pid, fd, base64: buffer.toString("base64") });
  }

  private line(value: object): void {
    this.out.write(`${JSON.stringify(value)}\n`);
  }
}
