// The token budget of one file from the setting `promptWorkbench.tokens.budget`: a number for
// every prompt in the scope (workspace, folder), or an object of glob patterns to numbers for
// single files and groups of files (`{"summarize.prompt": 2000, "agents/**": 8000}`).

export type BudgetSetting = number | Record<string, number>;

const globCache = new Map<string, RegExp>();

/** `*` is any run of characters but `/`, `**` any run including `/`, `?` one character. */
function globRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      src += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern matches the whole path or its end at a `/`: `summarize.prompt`, `prompts/*.prompt`.
  re = new RegExp(`(?:^|/)${src.replace(/^\//, '')}$`);
  globCache.set(glob, re);
  return re;
}

function pathOf(uri: string): string {
  const m = /^[a-z][\w+.-]*:\/\/[^/]*(\/.*)$/i.exec(uri);
  let p = m ? m[1] : uri;
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep it encoded
  }
  return p.replace(/\\/g, '/');
}

/** The budget that applies to `uri`; with patterns, the longest matching pattern wins. */
export function budgetFor(uri: string, setting: BudgetSetting | undefined): number | undefined {
  if (typeof setting === 'number') return setting > 0 ? setting : undefined;
  if (!setting || typeof setting !== 'object') return undefined;
  const path = pathOf(uri);
  let best: { len: number; value: number } | undefined;
  for (const [glob, value] of Object.entries(setting)) {
    if (typeof value !== 'number' || !(value > 0)) continue;
    if (globRegExp(glob).test(path) && (!best || glob.length > best.len)) best = { len: glob.length, value };
  }
  return best?.value;
}
