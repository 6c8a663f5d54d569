// src/main.ts
import { init, spawn, Sender, Receiver, FnOnce, Resources, type Pid } from "constellation-ts";

function fibonacci(x: number): number {
  if (x <= 1) return x;
  const left = spawn(Resources.default(), FnOnce((parent: Pid) => {
    console.log(`Left process with ${x}`);
    new Sender<number>(parent).send(fibonacci(x - 1)).block();
  })).block();
  const right = spawn(Resources.default(), FnOnce((parent: Pid) => {
    console.log(`Right process with ${x}`);
    new Sender<number>(parent).send(fibonacci(x - 2)).block();
  })).block();
  return new Receiver<number>(left).recv().block() + new Receiver<number>(right).recv().block();
}

await init(Resources.default());
console.log(`11th Fibonacci number is ${fibonacci(10)}!`);
