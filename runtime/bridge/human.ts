import type { Writable } from "node:stream";
import { createColors } from "picocolors";
import { type Pid, shortPid } from "../pid.js";
import { describeStatus, type OutputFd, type RunEvent, succeeded } from "./events.js";
import type { Formatter } from "./formatter.js";

const INDENT = "   ";
const NEWLINE = 0x0a;

type Colors = ReturnType<typeof createColors>;
type Paint = (text: string) => string;

/**
 * The human form (notes/constellation.md §4.2): a header with the short pid whenever the
 * process changes, its lines indented by three spaces. Content goes to the fd it came from;
 * headers, indentation and the bridge's own lines go to stderr, so that `2>/dev/null` leaves
 * the program's stdout alone.
 */
export class HumanFormatter implements Formatter {
  private readonly colors: Colors;
  private readonly palette: readonly Paint[];
  private current: Pid | undefined;
  /** The fd whose last line has not ended yet. */
  private openLine: OutputFd | undefined;

  constructor(
    private readonly stdout: Writable,
    private readonly stderr: Writable,
    colour: boolean,
  ) {
    const c = (this.colors = createColors(colour));
    this.palette = [c.red, c.green, c.yellow, c.blue, c.magenta, c.cyan, c.redBright, c.greenBright, c.yellowBright, c.blueBright, c.magentaBright, c.cyanBright];
  }

  write(event: RunEvent): void {
    switch (event.type) {
      case "start":
        this.switchTo(event.pid);
        break;
      case "spawn":
        this.endLine();
        this.switchTo(event.pid);
        this.stderr.write(`${INDENT}${this.colors.bold("spawned:")} ${this.pidText(event.child)}\n`);
        break;
      case "output":
        this.output(event.pid, event.fd, event.bytes);
        break;
      case "close":
        break;
      case "exit": {
        this.endLine();
        this.switchTo(event.pid);
        const reason = event.reason === undefined ? "" : ` (${event.reason})`;
        this.stderr.write(succeeded(event.status) ? `${INDENT}exited\n` : `${INDENT}exited: ${this.colors.red(describeStatus(event.status))}${reason}\n`);
        break;
      }
    }
  }

  private output(pid: Pid, fd: OutputFd, bytes: Uint8Array): void {
    const sink = fd === 1 ? this.stdout : this.stderr;
    // A stdout whose reader has gone (`| head`) takes nothing more, nor its indentation.
    if (bytes.length === 0 || sink.destroyed) return;
    if (pid !== this.current) this.endLine();
    this.switchTo(pid);
    if (this.openLine !== undefined && this.openLine !== fd) this.endLine();
    if (this.openLine === undefined) this.stderr.write(INDENT);
    let start = 0;
    for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      sink.write(bytes.subarray(start, nl + 1));
      start = nl + 1;
      if (start < bytes.length) this.stderr.write(INDENT);
    }
    if (start < bytes.length) sink.write(bytes.subarray(start));
    this.openLine = bytes[bytes.length - 1] === NEWLINE ? undefined : fd;
  }

  private endLine(): void {
    if (this.openLine === undefined) return;
    this.stderr.write("\n");
    this.openLine = undefined;
  }

  private switchTo(pid: Pid): void {
    if (pid === this.current) return;
    this.current = pid;
    this.stderr.write(`${this.colors.bold(this.pidText(pid))}:\n`);
  }

  /** The short pid in its colour: the same every time for the same pid (chosen from its key). */
  private pidText(pid: Pid): string {
    const short = shortPid(pid);
    return this.palette[Number.parseInt(short, 16) % this.palette.length]!(short);
  }
}
