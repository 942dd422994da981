// The charting library for every chart the extension and the CLI's HTML reports draw: Chart.js with
// only the pieces those charts use registered, built for the browser as dist/charts.js. A webview
// loads it by URI; an HTML report inlines its text, so the report stays one self-contained file.
// The page hands over a Chart.js configuration as plain JSON; colours come from the page's CSS
// variables (VS Code's theme in a webview, the report's own palette in a file).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip);

/** A theme colour from a CSS variable of the page, or the fallback. */
function cssColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** The series colours: the theme's chart colours in VS Code, a fixed palette elsewhere. */
export function palette(): string[] {
  return [
    cssColour('--vscode-charts-blue', '#3794ff'),
    cssColour('--vscode-charts-orange', '#d18616'),
    cssColour('--vscode-charts-green', '#89d185'),
    cssColour('--vscode-charts-purple', '#b180d7'),
    cssColour('--vscode-charts-red', '#f14c4c'),
    cssColour('--vscode-charts-yellow', '#cca700'),
  ];
}

/** Draws one chart into a canvas and returns it (so a page can update or destroy it). */
export function render(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  const foreground = cssColour('--vscode-foreground', cssColour('--fg', '#333'));
  const grid = cssColour('--vscode-editorWidget-border', cssColour('--border', 'rgba(128,128,128,0.3)'));
  Chart.defaults.color = foreground;
  Chart.defaults.borderColor = grid;
  Chart.defaults.font.family = cssColour('--vscode-font-family', 'system-ui, sans-serif');
  const colours = palette();
  config.data.datasets.forEach((d, i) => {
    const c = colours[i % colours.length];
    const set = d as { borderColor?: unknown; backgroundColor?: unknown };
    set.borderColor ??= c;
    set.backgroundColor ??= c;
  });
  return new Chart(canvas, config);
}

/** Every `<canvas data-chart="…JSON…">` of the page, drawn. */
export function renderAll(root: ParentNode = document): Chart[] {
  return Array.from(root.querySelectorAll<HTMLCanvasElement>("canvas[data-chart]")).map((canvas) => render(canvas, JSON.parse(canvas.dataset.chart ?? '{}') as ChartConfiguration));
}
