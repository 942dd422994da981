// Loads the Dotprompt rendering-spec cases kept in test/conformance/dotprompt-spec (reproduced from
// google/dotprompt's spec/ folder, see its README) and runs one through the project's render path.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const SPEC_DIR = path.resolve(__dirname, '..', 'conformance', 'dotprompt-spec');

export interface SpecData {
  input?: Record<string, unknown>;
  context?: Record<string, unknown>;
  messages?: { role: string; content: Record<string, unknown>[]; metadata?: Record<string, unknown> }[];
}

export interface SpecCase {
  /** `helpers/history.yaml > basic_history > inserts conversation history ...` */
  id: string;
  file: string;
  suite: string;
  desc: string;
  template: string;
  data: SpecData;
  options?: { input?: { default?: Record<string, unknown> } };
  partials?: Record<string, string>;
  resolverPartials?: Record<string, string>;
  schemas?: Record<string, Record<string, unknown>>;
  expect: { messages?: SpecData['messages']; output?: { schema?: unknown }; input?: { schema?: unknown }; [k: string]: unknown };
}

interface SpecSuite {
  name: string;
  template: string;
  data?: SpecData;
  partials?: Record<string, string>;
  resolverPartials?: Record<string, string>;
  schemas?: Record<string, Record<string, unknown>>;
  tests: { desc?: string; data?: SpecData; options?: SpecCase['options']; expect: SpecCase['expect'] }[];
}

/** Every case of every spec file, in file order. */
export function specCases(): SpecCase[] {
  const files = (readdirSync(SPEC_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).sort();
  const out: SpecCase[] = [];
  for (const file of files) {
    const suites = parse(readFileSync(path.join(SPEC_DIR, file), 'utf8')) as SpecSuite[];
    for (const s of suites) {
      for (const t of s.tests) {
        const desc = t.desc ?? 'should match expected output';
        // The spec's runner: `{ ...suite.data, ...test.data }`.
        out.push({ id: `${file.split(path.sep).join('/')} > ${s.name} > ${desc}`, file, suite: s.name, desc, template: s.template, data: { ...s.data, ...t.data }, options: t.options, partials: s.partials, resolverPartials: s.resolverPartials, schemas: s.schemas, expect: t.expect });
      }
    }
  }
  return out;
}

/** A spec message in the project's shape: role, parts, metadata. */
export function specMessage(m: { role: string; content: Record<string, unknown>[]; metadata?: Record<string, unknown> }): { role: string; parts: unknown[]; metadata?: Record<string, unknown> } {
  const parts = m.content.map((p) => {
    if (typeof p.text === 'string') return { kind: 'text', text: p.text };
    const media = p.media as { url: string; contentType?: string } | undefined;
    if (media) return { kind: 'media', url: media.url, ...(media.contentType ? { contentType: media.contentType } : {}) };
    const meta = p.metadata as { purpose?: string; pending?: boolean } | undefined;
    if (meta?.pending === true && typeof meta.purpose === 'string' && Object.keys(p).length === 1) return { kind: 'section', name: meta.purpose };
    return { kind: 'other', value: p };
  });
  return { role: m.role, parts, ...(m.metadata && Object.keys(m.metadata).length ? { metadata: m.metadata } : {}) };
}
