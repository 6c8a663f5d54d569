// The messages received on one link, in order, with their encoded sizes (for the receive
// window), plus the end-of-stream marks between a closed Sender's messages and the next one's.

/** The remote closed its Sender here. */
export const END: unique symbol = Symbol("end of stream");

/** A message that arrived but could not be decoded: its recv fails with this error. */
export class Undecodable {
  constructor(readonly error: unknown) {}
}

export type InboxItem = unknown; // a value, END or an Undecodable

export class Inbox {
  private items: InboxItem[] = [];
  private sizes: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: InboxItem, size: number): void {
    this.items.push(item);
    this.sizes.push(size);
  }

  /** Size of the next item (call before {@link shift}). */
  peekSize(): number {
    return this.sizes[this.head]!;
  }

  shift(): InboxItem {
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.sizes.length = 0;
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
