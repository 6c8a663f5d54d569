// The budget of what a process has on its way to its peers (io/budget.ts), and the links whose
// sends wait for it: each is asked again, first come first, once some of it comes back.
import { Budget } from "../io/budget.js";
import { budgetOf, SEND_WINDOW } from "../io/shared.js";

/** A link whose sends wait, for its window or for the budget. */
interface Waiting {
  sendWaiting(): void;
}

export class SendBudget extends Budget {
  /** In the order they began to wait. */
  private readonly waiting = new Set<Waiting>();

  /** @param mem the process's memory, which sizes the budget. */
  constructor(mem: number) {
    super(budgetOf(mem), SEND_WINDOW);
  }

  /** `link` has sends waiting: it is asked again once some of the budget comes back. */
  wait(link: Waiting): void {
    this.waiting.add(link);
  }

  /** Some of the budget came back: links that wait send what they now may. */
  release(): void {
    if (this.waiting.size === 0) return;
    for (const link of [...this.waiting]) {
      if (this.spent) return;
      this.waiting.delete(link);
      link.sendWaiting();
    }
  }
}
