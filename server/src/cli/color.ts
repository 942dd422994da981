// Colour on a terminal: only when the output is a TTY, never with NO_COLOR set (https://no-color.org)
// or `--no-color`; FORCE_COLOR forces it (pipes into `less -R`). Diff lines coloured as git does.
import type { DiffLine } from '../service/history/textDiff';

export function colorEnabled(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return (stream as { isTTY?: boolean }).isTTY === true;
}

const SGR = { red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;
export type Paint = (style: keyof typeof SGR, text: string) => string;

export function painter(color: boolean): Paint {
  return color ? (style, text) => (text ? `${SGR[style]}${text}${SGR.reset}` : text) : (_style, text) => text;
}

/** A unified diff's lines, coloured (removed red, added green, hunk headers cyan, file headers bold). */
export function paintDiffLine(line: DiffLine, paint: Paint): string {
  switch (line.kind) {
    case 'file':
      return paint('bold', line.text);
    case 'hunk':
      return paint('cyan', line.text);
    case 'added':
      return paint('green', line.text);
    case 'removed':
      return paint('red', line.text);
    case 'note':
      return paint('dim', line.text);
    default:
      return line.text;
  }
}
