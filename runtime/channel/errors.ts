// The channel errors, worded once.
import { ChannelError, type ChannelErrorReason } from "../errors.js";
import { shortPid, type Pid } from "../pid.js";

const WHY: Record<ChannelErrorReason, string> = {
  exited: "the remote process exited",
  "connection lost": "the connection to the remote process was lost",
  duplicate: "a channel in this direction to this process already exists in this process (close it first)",
  closed: "the channel is closed",
  self: "a process cannot open a channel to itself",
};

export function channelError(pid: Pid, reason: ChannelErrorReason, side: "Sender" | "Receiver"): ChannelError {
  const direction = side === "Sender" ? "to" : "from";
  return new ChannelError(`${side} ${direction} ${shortPid(pid)}: ${WHY[reason]}`, pid, reason);
}
