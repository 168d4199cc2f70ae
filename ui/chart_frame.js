// Turns an animated chart (ui/plotly_chart.js) to a frame without sending its figure again: it records the
// wanted frame per chart key, and asks the chart to turn now if it is drawn (else the chart turns after drawing).
export default function (component) {
  const { chart, frame } = component.data;
  window.__gradientLabFrames = window.__gradientLabFrames || {};
  window.__gradientLabFrames[chart] = frame;
  const key = chart.replaceAll(".", "-");
  const gd = document.querySelector(`.st-key-${CSS.escape(key)} .gl-plotly`);
  gd?.__gradientLabTurn?.();
}
