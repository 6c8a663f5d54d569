// Fork-join: split a search over worker processes, then join their answers. Each worker looks
// for the input with the lowest SHA-1 hash in its own slice of inputs, prints it, and sends it
// to the parent, which prints the lowest of all.
import { createHash } from "node:crypto";
import { init, spawn, Sender, Receiver, FnOnce, Resources, type Pid } from "constellation-ts";

const WORKERS = 4;
const INPUTS_PER_WORKER = 20_000;

/** The best input a worker found (a plain object: it travels over a channel). */
interface Best {
  input: string;
  hash: string;
}

function lowestHash(from: number, to: number): Best {
  let best: Best = { input: "", hash: "g" }; // "g" sorts after every hex digest
  for (let k = from; k < to; k++) {
    const input = `constellation-${k}`;
    const hash = createHash("sha1").update(input).digest("hex");
    if (hash < best.hash) best = { input, hash };
  }
  return best;
}

await init(Resources.default());

// Fork: spawn every worker first, so they all run at the same time.
const workers = await Promise.all(
  Array.from({ length: WORKERS }, (_, w) =>
    spawn(FnOnce((parent: Pid) => {
      const best = lowestHash(w * INPUTS_PER_WORKER, (w + 1) * INPUTS_PER_WORKER);
      console.log(`worker ${w}: ${best.hash} from "${best.input}"`);
      new Sender<Best>(parent).send(best).block();
    })),
  ),
);

// Join: one answer from each worker, in any order they finish.
const answers = await Promise.all(workers.map((worker) => new Receiver<Best>(worker).recv()));
const best = answers.reduce((a, b) => (b.hash < a.hash ? b : a));
console.log(`lowest of all: ${best.hash} from "${best.input}"`);
