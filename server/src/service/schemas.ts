// Named schemas: JSON Schemas a runtime registers by name (Dotprompt's `defineSchema`), which prompts
// then name in `input.schema` / `output.schema` (`schema: Answer`) or as a field's type
// (`answer: Answer`). The project config lists them (`schemas:`, a name to a JSON Schema file); the
// library serves the template checks, completion, render and the test runner alike.
import type { SchemaLibrary } from './formats/types';

let generations = 0;

export class NamedSchemas implements SchemaLibrary {
  readonly generation = ++generations;
  private readonly byName: Map<string, Record<string, unknown>>;

  constructor(schemas: Record<string, Record<string, unknown>> | Map<string, Record<string, unknown>> = {}) {
    this.byName = schemas instanceof Map ? new Map(schemas) : new Map(Object.entries(schemas));
  }

  get(name: string): Record<string, unknown> | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
