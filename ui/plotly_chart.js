// A plotly chart that stays mounted across reruns. Each new figure is applied with Plotly.react, so a
// WebGL scene keeps its context and compiled shaders, and the camera stays where the student turned it
// (layout.uirevision). The payload is JSON bytes: {src, config, revision, figure}; see ui/chart.py.

const charts = new WeakMap(); // parent element -> {div, drawn, color, latest}
const live = new Set(); // every chart on the page, to redraw when the system theme changes

// Streamlit follows the system's light or dark setting; the charts follow along (see themed below).
window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener("change", () =>
  setTimeout(() => window.Plotly && live.forEach((chart) => schedule(window.Plotly, chart)), 100),
);

function loadPlotly(src) {
  if (!window.__gradientLabPlotly) {
    window.__gradientLabPlotly = new Promise((resolve, reject) => {
      if (window.Plotly) {
        resolve(window.Plotly);
        return;
      }
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__gradientLabPlotly = undefined; // the next rerun tries again
        reject(new Error("plotly.js could not be loaded"));
      };
      document.head.appendChild(script);
    });
  }
  return window.__gradientLabPlotly;
}

// Draws wait for the next animation frame, so the charts of one rerun are drawn together. Flat charts are
// drawn in that frame; 3D scenes, far slower without a GPU, just after it is painted, so the flat charts
// never wait for them.
const queue = new Set();

function schedule(Plotly, chart) {
  if (queue.size === 0) requestAnimationFrame(() => flush(Plotly));
  queue.add(chart);
}

function isScene(spec) {
  return spec.figure.data.some((trace) => ["surface", "scatter3d", "mesh3d", "cone"].includes(trace.type));
}

function flush(Plotly) {
  const batch = [...queue];
  queue.clear();
  const scenes = batch.filter((chart) => isScene(chart.latest));
  batch.filter((chart) => !scenes.includes(chart)).forEach((chart) => draw(Plotly, chart));
  if (scenes.length) setTimeout(() => scenes.forEach((chart) => draw(Plotly, chart)), 0);
}

// plotly.js draws WebGL scenes at twice the screen's resolution unless told otherwise: four times the pixels
// on an ordinary screen. Match the screen (at most 2): the same picture there, a quarter of the pixels to
// render on every update, which a machine without a GPU renders in software.
function glPixelRatio() {
  return Math.min(Math.max(Math.ceil(window.devicePixelRatio || 1), 1), 2);
}

// Chart text in the page's own text colour, read where the chart sits: the figures have transparent
// backgrounds (viz/style.py), so a chart follows the light or the dark theme like the text around it.
export function themed(layout, element) {
  const color = getComputedStyle(element).color;
  return color ? { ...layout, font: { ...layout.font, color } } : layout;
}

function draw(Plotly, chart) {
  const spec = chart.latest;
  const color = getComputedStyle(chart.div).color;
  // Drawn already in this theme, or left the page.
  if ((chart.drawn === spec && chart.color === color) || !chart.div.isConnected) return;
  chart.drawn = spec;
  chart.color = color;
  const figure = { ...spec.figure, config: { ...spec.config, plotGlPixelRatio: glPixelRatio() } };
  figure.layout = { ...themed(figure.layout, chart.div), uirevision: spec.revision };
  Promise.resolve()
    .then(() => Plotly.react(chart.div, figure))
    .catch((error) => {
      chart.div.textContent = `This chart could not be drawn (${error.message}).`;
    });
}

export default function (component) {
  const { data, parentElement } = component;
  let chart = charts.get(parentElement);
  if (!chart) {
    const div = document.createElement("div");
    div.className = "gl-plotly";
    div.style.width = "100%";
    parentElement.appendChild(div);
    chart = { div, drawn: null, color: null, latest: null };
    charts.set(parentElement, chart);
    live.add(chart);
  }
  const spec = JSON.parse(new TextDecoder().decode(data));
  chart.latest = spec;
  // Hold the figure's height while plotly.js loads, so the page does not jump.
  chart.div.style.minHeight = `${spec.figure.layout?.height ?? 450}px`;
  // plotly.js measures every label to lay the chart out: wait for the page's fonts, or the labels are
  // measured in a fallback face and overlap once the real one arrives.
  Promise.all([loadPlotly(spec.src), document.fonts?.ready])
    .then(([Plotly]) => schedule(Plotly, chart))
    .catch((error) => {
      chart.div.textContent = `This chart could not be drawn (${error.message}). Reload the page to try again.`;
    });
  return () => {
    // Called when Streamlit unmounts the component; once the chart has really left the page, free its
    // WebGL context (browsers allow only a few per tab).
    setTimeout(() => {
      if (!chart.div.isConnected && window.Plotly) {
        window.Plotly.purge(chart.div);
        charts.delete(parentElement);
        live.delete(chart);
      }
    }, 0);
  };
}
