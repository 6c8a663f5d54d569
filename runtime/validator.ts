/** One problem an ajv-standalone validator found. */
export interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
}

/** A validator function as ajv standalone emits it. */
export type Validator = ((data: unknown) => boolean) & { errors?: ValidationIssue[] | null };

/** A channel's declared type: its TypeScript text (for messages) and its validator. */
export interface TypeCheck {
  readonly type: string;
  readonly validate: Validator;
}
