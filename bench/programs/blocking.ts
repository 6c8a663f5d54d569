// Receives with .block() until the sender closes its end: the synchronous counterpart of
// `for await (const v of rx)`, for loops that measure the blocking path.
import { ChannelError, type Receiver } from "constellation-ts";

export function* blockingValues<T>(rx: Receiver<T>): Generator<T> {
  for (;;) {
    let value: T;
    try {
      value = rx.recv().block();
    } catch (e) {
      if (e instanceof ChannelError && e.reason === "closed") return;
      throw e;
    }
    yield value;
  }
}
