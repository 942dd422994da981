// The template checks: undeclared and unused variables, unknown data variables, helpers and roles,
// `{{#each}}` over a scalar, missing and circular partials, all read off the walker's model.
import type { PromptDiagnostic } from '../diagnostic';
import type { PromptDocument } from '../document';
import { DATA_VARIABLES, HELPERS, ROLES } from '../helpers';
import type { PartialFile, PartialIndex } from '../partials';
import { fieldTypeLabel } from '../picoschema';
import type { AnalysisOptions, PartialRef } from '../scope';
import { settingAt } from '../formats/model';
import { schemaNameOf } from '../schemas';
import { closest } from '../suggest';
import type { Span } from '../text';
import type { Tag } from '../template';
import { contextLabel, type ScopeModel, type Site } from './model';

const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'enum'];

/** The diagnostics of a model, in the order of its sites, then the unused declarations. */
export function checkScope(model: ScopeModel, doc: PromptDocument, options: AnalysisOptions): PromptDiagnostic[] {
  const out: PromptDiagnostic[] = [];
  // Without any declaration an undeclared name is likely fine, so it is only information.
  // `input.schema: Name` names a schema registered in code: checkable only when the project config lists it.
  const named = doc.input.style === 'named' ? namedInputSchema(doc) : undefined;
  const unresolvedName = named && !options.schemas?.get(named.name) ? named : undefined;
  const hasDeclarations = !unresolvedName && (doc.input.style !== 'none' || Object.keys(doc.defaults).length > 0);
  if (unresolvedName) {
    out.push({
      code: 'input-schema-unresolved',
      severity: 'info',
      message: `\`${unresolvedName.name}\` is a schema your code registers (defineSchema); the project config does not list it, so the template's variables are not checked against it. Add it under \`schemas:\` in prompt-workbench.yaml (a path to its JSON Schema file).`,
      span: unresolvedName.span,
    });
  }
  const custom = options.customHelpers ?? [];
  // With a frontmatter whose YAML has errors, the declarations are only what did parse: names
  // missing from them are not reported one by one, but once, as unchecked.
  const partial = doc.input.partial === true;
  const unchecked: Extract<Site, { kind: 'unresolved' }>[] = [];
  for (const site of model.sites) {
    switch (site.kind) {
      case 'unresolved':
        if (partial) unchecked.push(site);
        else out.push(undefinedVariable(site, model, hasDeclarations));
        break;
      case 'data':
        checkDataVariable(site, out);
        break;
      case 'helper':
        checkHelper(site, custom, out);
        break;
      case 'role':
        checkRole(site.tag, site.inEach === true, out, doc);
        break;
      case 'shadow':
        out.push(shadowedField(site, doc));
        break;
      case 'each': {
        const { ref } = site;
        if (ref.declared && ref.field && SCALAR_TYPES.includes(ref.field.type)) {
          out.push({ code: 'each-not-array', severity: 'warning', message: `\`{{#each}}\` over \`${ref.expr.original}\`, which input.schema declares as \`${fieldTypeLabel(ref.field)}\`, not a list. Declare it as \`${ref.expr.original}(array): …\`, or use \`{{#if}}\` / \`{{#with}}\`.`, span: site.span });
        }
        break;
      }
      case 'partial':
        if (!site.inline && options.partials) checkPartial(site.ref, doc, options.partials, out);
        break;
    }
  }
  if (unchecked.length) out.push(uncheckedVariables(unchecked));
  if (!model.usesWholeRoot && doc.notice === undefined && !partial) {
    // Tags Handlebars cannot parse (`{{.Query}}`) have their own error: a name in one is not also "never used".
    const broken = doc.template.tags.filter((t) => (t.kind === 'mustache' || t.kind === 'unescaped' || t.kind === 'block-open') && !t.path).map((t) => doc.text.slice(t.span.start, t.span.end));
    for (const f of doc.input.fields) {
      if (model.usedInputs.has(f.name) || !f.keySpan) continue;
      if (broken.some((b) => containsWord(b, f.name))) continue;
      out.push({
        code: 'unused-variable',
        severity: 'warning',
        message: `\`${f.name}\` is declared in input.schema but never used in the template${model.partials.length ? ' or its partials' : ''}.`,
        span: f.keySpan,
        unnecessary: true,
        data: { name: f.name },
      });
    }
  }
  return out;
}

/** Whether `name` occurs in `text` with no name character on either side. */
function containsWord(text: string, name: string): boolean {
  const isName = (c: string | undefined) => c !== undefined && /[\w$-]/.test(c);
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!isName(text[i - 1]) && !isName(text[i + name.length])) return true;
  }
  return false;
}

/** One note for every name the declarations that did parse do not have, on the first of them. */
function uncheckedVariables(sites: Extract<Site, { kind: 'unresolved' }>[]): PromptDiagnostic {
  const names = [...new Set(sites.map((s) => s.ref.expr.original))];
  const shown = names.slice(0, 3).map((n) => `\`${n}\``);
  const list = names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
  return {
    code: 'variables-unchecked',
    severity: 'info',
    message: `Variable checks are partial: the frontmatter's YAML has an error, so input.schema could not be read in full, and ${list} ${names.length > 1 ? 'are' : 'is'} not checked against it. Fix the YAML error to check every name.`,
    span: sites[0].ref.expr.span,
    data: { names },
  };
}

function undefinedVariable(site: Extract<Site, { kind: 'unresolved' }>, model: ScopeModel, hasDeclarations: boolean): PromptDiagnostic {
  const { ref, base, parts, at, owner } = site;
  const expr = ref.expr;
  const text = expr.original;
  // The segment is found in the source text left to right, so `a.a` reports the right `a`.
  let offset = 0;
  let segStart = -1;
  for (let i = 0; i <= at; i++) {
    segStart = text.indexOf(parts[i], offset);
    offset = segStart + parts[i].length;
  }
  const p = parts[at];
  const span = segStart >= 0 ? { start: expr.span.start + segStart, end: expr.span.start + segStart + p.length } : expr.span;
  const where = at === 0 ? contextLabel(base) : `\`${[...(base.kind === 'field' ? base.path : []), ...parts.slice(0, at)].join('.')}\``;
  const hint = at === 0 && ref.kind === 'field' && base.kind === 'field' && base.item && model.fields.some((f) => f.name === p)
    ? ` Inside \`{{#each}}\` names refer to the item; write \`@root.${p}\` or \`../${p}\` for the input.`
    : '';
  const message = at === 0 && ref.kind === 'input' ? `\`${p}\` is not declared in input.schema.${hint}` : `\`${p}\` is not a field of ${where}.${hint}`;
  const near = closest(p, owner.children!.map((c) => c.name));
  return {
    code: 'undefined-variable',
    severity: hasDeclarations ? 'warning' : 'info',
    message: `${message}${near ? ` Did you mean \`${near}\`?` : ''}`,
    span,
    data: { name: p, replacement: near, root: ref.root, path: ref.path, topLevel: ref.kind === 'input' && at === 0 },
  };
}

function checkDataVariable(site: Extract<Site, { kind: 'data' }>, out: PromptDiagnostic[]): void {
  const { expr } = site.ref;
  const head = expr.parts[0];
  if (head === undefined) {
    // `{{@this}}` and `{{@.}}`: Handlebars drops `this` and `.` from a path, so nothing is named.
    out.push({
      code: 'unknown-data-variable',
      severity: 'warning',
      message: `\`${expr.original}\` names no data variable: \`@\` needs a name (\`@index\`, \`@key\`, \`@root\`, ...). For the current value write \`this\`, without \`@\`.`,
      span: expr.span,
    });
    return;
  }
  const known = DATA_VARIABLES.find((d) => d.name === head);
  if (!known) {
    // Dotprompt passes every key of the render context as a data variable (`context: { x }` is `@x`).
    const near = closest(head, DATA_VARIABLES.map((d) => d.name));
    out.push({
      code: 'unknown-data-variable',
      severity: near ? 'warning' : 'info',
      message: near
        ? `\`@${head}\` is not a data variable. Did you mean \`@${near}\`?`
        : `\`@${head}\` is not a Handlebars or Dotprompt data variable, so it has a value only if the code that renders passes \`${head}\` in the render context (in a test case: \`context: { ${head}: ... }\`).`,
      span: expr.span,
    });
  } else if (known.eachOnly && !site.inEach) {
    out.push({ code: 'unknown-data-variable', severity: 'warning', message: `\`@${head}\` only has a value inside \`{{#each}}\`.`, span: expr.span });
  }
}

function checkHelper(site: Extract<Site, { kind: 'helper' }>, custom: readonly string[], out: PromptDiagnostic[]): void {
  const { name, span, known } = site.ref;
  const info = HELPERS.get(name);
  if (!known) {
    const near = closest(name, [...HELPERS.keys(), ...custom]);
    out.push({
      code: 'unknown-helper',
      severity: 'warning',
      message: `\`${name}\` is not a Dotprompt or Handlebars helper. Dotprompt renders with known helpers only, so this fails at render time unless the helper is registered in code (list such helpers in the setting promptWorkbench.template.helpers).${near ? ` Did you mean \`${near}\`?` : ''}`,
      span,
      data: { name, replacement: near },
    });
  } else if (info && info.block !== site.block && !(name === 'lookup' || name === 'log')) {
    out.push({
      code: 'helper-misuse',
      severity: 'warning',
      message: info.block ? `\`${name}\` is a block helper: write \`{{#${name} …}} … {{/${name}}}\`.` : `\`${name}\` is not a block helper: write \`{{${name} …}}\` without \`#\`.`,
      span,
    });
  }
}

function checkRole(tag: Tag, inEach: boolean, out: PromptDiagnostic[], doc: PromptDocument): void {
  const p = tag.params[0];
  if (!p) {
    // What Dotprompt's renderer does with it: the helper gets no name and writes `<<<dotprompt:role:[object Object]>>>`.
    const lost = doc.template.messages.some((m) => m.lost?.span.start === tag.span.start);
    out.push({
      code: 'unknown-role',
      severity: 'error',
      message: `\`{{role}}\` needs a role name: \`{{role "system"}}\`, \`"user"\`, \`"model"\` or \`"tool"\`. Without one it starts no message: ${
        lost
          ? 'here, first in its message, Dotprompt reads the text after it, up to the next `{{role "..."}}` or `{{history}}`, as a role name, so none of that text is sent.'
          : 'Dotprompt writes `<<<dotprompt:role:[object Object]>>>` into the text sent to the model.'
      }${inEach ? ' If you meant a `role` field of the item, write `{{this.role}}`: `role` is a Dotprompt helper, and Handlebars calls a helper before it reads a field of the same name.' : ''}`,
      span: tag.span,
      data: inEach ? { field: 'this.role' } : undefined,
    });
    return;
  }
  // A role computed at render time cannot be checked here.
  if (p.kind !== 'literal' || typeof p.value !== 'string') return;
  if ((ROLES as readonly string[]).includes(p.value)) return;
  const near = p.value === 'assistant' || p.value === 'ai' || p.value === 'bot' ? 'model' : closest(p.value, ROLES);
  out.push({
    code: 'unknown-role',
    severity: 'error',
    message: `\`${p.value}\` is not a Dotprompt role. Use ${ROLES.map((r) => `"${r}"`).join(', ')}.${near ? ` Did you mean "${near}"?${p.value === 'assistant' ? ' (Dotprompt calls the assistant "model".)' : ''}` : ''}`,
    span: { start: p.span.start + 1, end: p.span.end - 1 },
    data: { replacement: near },
  });
}

/** `{{role}}` over items with a `role` field, and the like: the helper runs, the field is never read. */
function shadowedField(site: Extract<Site, { kind: 'shadow' }>, doc: PromptDocument): PromptDiagnostic {
  const name = site.head.original;
  const info = HELPERS.get(name);
  const what = info ? `a ${info.source === 'dotprompt' ? 'Dotprompt' : 'Handlebars'} helper` : 'a helper registered in code';
  return {
    code: 'helper-shadows-field',
    // `{{role}}` without a role also breaks the message structure.
    severity: name === 'role' ? 'error' : 'warning',
    message: `\`{{${name}}}\` calls \`${name}\`, ${what}, not the \`${name}\` field of ${contextLabel(site.context)}: Handlebars calls a helper before it reads a field of the same name. Write \`{{this.${name}}}\` for the field.${name === 'role' ? ` Without a role name, ${doc.template.messages.some((m) => m.lost?.span.start === site.tag.span.start) ? 'first in its message, it makes Dotprompt read the text after it, up to the next `{{role "..."}}` or `{{history}}`, as a role name, so none of that text is sent.' : 'it writes `<<<dotprompt:role:[object Object]>>>` into the text.'}` : ''}`,
    span: site.head.span,
    data: { replacement: `this.${name}`, field: name },
  };
}

function checkPartial(ref: PartialRef, doc: PromptDocument, index: PartialIndex, out: PromptDiagnostic[]): void {
  if (!ref.file) {
    const near = closest(ref.name, index.names());
    out.push({
      code: 'missing-partial',
      severity: 'error',
      message: `No partial \`${ref.name}\`: Dotprompt looks for a file \`_${ref.name}.prompt\`.${near ? ` Did you mean \`${near}\`?` : ' Create it, or fix the name.'}`,
      span: ref.span,
      data: { name: ref.name, replacement: near },
    });
    return;
  }
  const cycle = findCycle(ref.file, index, [doc.uri]);
  if (cycle) {
    out.push({
      code: 'circular-partial',
      severity: 'error',
      message: `Circular partials: ${cycle.map((n) => `\`${n}\``).join(' → ')}. Rendering would never end.`,
      span: ref.span,
    });
  }
}

/**
 * A chain of partial names that leads back to a file already on the path, if there is one. The
 * recursion is bounded: a chain longer than 32 is reported as if it were a cycle.
 */
function findCycle(file: PartialFile, index: PartialIndex, path: string[], names: string[] = []): string[] | undefined {
  const chain = [...names, file.name];
  if (path.includes(file.uri)) return chain;
  if (chain.length > 32) return chain;
  const doc = index.document(file);
  for (const tag of doc.template.tags) {
    if ((tag.kind !== 'partial' && tag.kind !== 'partial-block-open') || !tag.path) continue;
    const name = tag.path.kind === 'path' ? tag.path.original : tag.path.kind === 'literal' ? String(tag.path.value) : undefined;
    const next = name ? index.resolve(name, file.uri) : undefined;
    if (!next) continue;
    const found = findCycle(next, index, [...path, file.uri], chain);
    if (found) return found;
  }
  return undefined;
}

function namedInputSchema(doc: PromptDocument): { name: string; span: Span } | undefined {
  const setting = settingAt(doc.prompt.settings, 'input.schema').setting;
  const name = schemaNameOf(setting?.value);
  return name && setting ? { name, span: setting.valueSpan ?? setting.keySpan } : undefined;
}
