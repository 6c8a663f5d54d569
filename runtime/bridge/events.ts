import type { Pid } from "../pid.js";

/** How a process ended: its exit code, or the signal that killed it. */
export type ExitStatus = { readonly code: number } | { readonly signal: NodeJS.Signals };

/** The output fds a process has: stdout and stderr. */
export type OutputFd = 1 | 2;

/**
 * What happens in a run, as the bridge sees it (SPEC §5). Per pid they come in the order they
 * happened: `spawn` of a child before any event of that child, `close` of an fd after all its
 * `output`, and `exit` last, after both `close` events.
 */
export type RunEvent =
  | { readonly type: "start"; readonly pid: Pid }
  | { readonly type: "spawn"; readonly pid: Pid; readonly child: Pid }
  | { readonly type: "output"; readonly pid: Pid; readonly fd: OutputFd; readonly bytes: Uint8Array }
  | { readonly type: "close"; readonly pid: Pid; readonly fd: OutputFd }
  | { readonly type: "exit"; readonly pid: Pid; readonly status: ExitStatus; readonly reason?: string };

/** Whether a process ended well: code 0. */
export function succeeded(status: ExitStatus): boolean {
  return "code" in status && status.code === 0;
}

/** The status as text: `code 3`, `signal SIGKILL`. */
export function describeStatus(status: ExitStatus): string {
  return "code" in status ? `code ${status.code}` : `signal ${status.signal}`;
}
