// The issues one walk collects: each once, however often its type is met, and placed in the
// value by its path so a message about a nested part says which part.
import type { SchemaIssue } from "../schema.js";

/** Collects the issues of a walk, without duplicates. */
export class IssueLog {
  private issues: SchemaIssue[] = [];
  private readonly seen = new Set<string>();

  /** Records `message` about the part of the value at `path` ("" for the value itself). */
  add(severity: SchemaIssue["severity"], path: string, message: string): void {
    const text = path === "" ? message : `at ${path}: ${message}`;
    const key = `${severity}:${text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push({ severity, message: text });
  }

  /** The issues recorded since the last call. */
  take(): SchemaIssue[] {
    const taken = this.issues;
    this.issues = [];
    return taken;
  }
}
