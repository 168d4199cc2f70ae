// A plotly chart that stays mounted across reruns. Each new figure is applied with Plotly.react, so a
// WebGL scene keeps its context and compiled shaders, and the camera stays where the student turned it
// (layout.uirevision). The payload is JSON bytes: {src, gz, config, revision, pick, figure}; see ui/chart.py.
// Events back to Python are in their own section at the end (listen and the functions after it).

const charts = new WeakMap(); // parent element -> {div, drawn, color, latest, send, listening, pressed}
const live = new Set(); // every chart on the page, to redraw when the system theme changes

// Streamlit follows the system's light or dark setting; the charts follow along (see themed below).
window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener("change", () =>
  setTimeout(() => window.Plotly && live.forEach((chart) => schedule(window.Plotly, chart)), 100),
);

// plotly.js is loaded by loadPlotly (ui/plotly_load.js, before this script in the component's module).

// Draws wait for the next animation frame, so the charts of one rerun are drawn together (see flush for their
// order).
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
  const flat = batch.filter((chart) => !scenes.includes(chart));
  const drawScenes = () => scenes.forEach((chart) => draw(Plotly, chart));
  // A scene drawn for the first time starts WebGL and compiles its shaders: most of a second in software, all
  // of it on the page's one thread. It waits a frame more, so the page's first screen shows its flat charts and
  // answers the pointer and the keys before that.
  if (scenes.some((chart) => chart.drawn === null)) {
    flat.forEach((chart) => draw(Plotly, chart));
    if (scenes.length) requestAnimationFrame(() => setTimeout(drawScenes, 0));
    return;
  }
  // Scenes already drawn are updated first: the first chart drawn after a rerun also pays for laying out the page
  // its messages changed, and a flat chart drawn first made the scene, the longest to draw, start later (descent's
  // progress chart before its playback: every chart painted about 15 ms later).
  drawScenes();
  flat.forEach((chart) => draw(Plotly, chart));
}

// plotly.js draws WebGL scenes at twice the screen's resolution unless told otherwise: four times the pixels
// on an ordinary screen. Match the screen (at most 2): the same picture there, a quarter of the pixels to
// render on every update, which a machine without a GPU renders in software.
function glPixelRatio() {
  return Math.min(Math.max(Math.ceil(window.devicePixelRatio || 1), 1), 2);
}

// Chart text in the page's own text colour, read where the chart sits: the figures have transparent
// backgrounds (viz/style.py), so a chart follows the light or the dark theme like the text around it. A label's
// box in PAGE_GROUND (white in a file) takes the page's own background.
const PAGE_GROUND = "#FFFFFF";
export function themed(layout, element) {
  const color = getComputedStyle(element).color;
  if (!color) return layout;
  const app = document.querySelector("[data-testid=stApp]");
  const ground = app && getComputedStyle(app).backgroundColor;
  const boxed = (a) => (ground && a.bgcolor === PAGE_GROUND ? { ...a, bgcolor: ground } : a);
  const annotations = layout.annotations?.map(boxed);
  return { ...layout, font: { ...layout.font, color }, ...(annotations ? { annotations } : {}) };
}

function draw(Plotly, chart) {
  const spec = chart.latest;
  const color = getComputedStyle(chart.div).color;
  // Drawn already in this theme, or left the page.
  if ((chart.drawn === spec && chart.color === color) || !chart.div.isConnected) return;
  chart.drawn = spec;
  chart.color = color;
  const config = soundConfig({ ...spec.config, plotGlPixelRatio: glPixelRatio() }, chart); // ui/a11y.js
  const figure = { ...spec.figure, config };
  figure.layout = { ...themed(figure.layout, chart.div), uirevision: spec.revision };
  // A chart that sends picks reads a click itself (pickAtPixel). plotly.js's own click handling would work out
  // the hover under the pointer again on every release, time a click would spend before the page's rerun.
  if (spec.pick?.length) figure.layout.clickmode = "none";
  // A chart under the resting pointer (just clicked, say) would work its hover label out again inside the
  // redraw, before this rerun's charts are painted; it is worked out just after they are painted instead.
  const rehover = chart.div._fullLayout?._rehover;
  if (rehover) chart.div._fullLayout._rehover = null;
  Promise.resolve()
    .then(() => Plotly.react(chart.div, figure))
    .then(() => {
      seeThrough(chart.div);
      listen(chart);
      LiveDrag.drawn(chart); // the server's numbers replace a drag's preview
      accessible(chart); // its name, description, keys and toolbar (ui/a11y.js)
      turnToWantedFrame(chart);
    })
    .finally(() => {
      const layout = chart.div._fullLayout;
      if (!rehover || !layout || layout._rehover) return; // no label to bring back, or the pointer moved since
      layout._rehover = rehover;
      requestAnimationFrame(() => setTimeout(() => chart.div._fullLayout?._rehover?.(), 0));
    })
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
    chart = { div, drawn: null, color: null, latest: null, send: null, listening: false, pressed: null };
    chart.export = exportButton(chart, parentElement);
    charts.set(parentElement, chart);
    live.add(chart);
  }
  // The newest one: listeners attached once call it through chart (a gesture's description is announced, ui/a11y.js).
  chart.send = announcing(chart, component.setTriggerValue);
  const spec = JSON.parse(new TextDecoder().decode(data));
  chart.latest = spec;
  if (chart.export.hidden !== !spec.export) chart.export.hidden = !spec.export; // no change, no mutation
  // Hold the figure's height while plotly.js loads, so the page does not jump.
  chart.div.style.minHeight = `${spec.figure.layout?.height ?? 450}px`;
  // plotly.js measures every label to lay the chart out: wait for the page's fonts, or the labels are
  // measured in a fallback face and overlap once the real one arrives.
  Promise.all([loadPlotly(spec), document.fonts?.ready])
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

// ---- "Figure as HTML": the chart as a page of its own, plotly.js inlined, so the file opens offline ----
// Written here from the figure the chart already holds: no button, file or message on the server for each chart
// on each rerun, and nothing is sent until it is pressed.

function exportButton(chart, parentElement) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "gl-export";
  button.textContent = EXPORT_LABEL;
  button.addEventListener("click", () => exportFigure(chart, button));
  parentElement.appendChild(button);
  return button;
}

const EXPORT_LABEL = "⬇ Figure as HTML";

async function exportFigure(chart, button) {
  const spec = chart.latest;
  if (!spec?.export || button.disabled) return;
  button.disabled = true;
  button.textContent = `${EXPORT_LABEL} (writing…)`;
  try {
    const file = new Blob(figurePage(spec, await plotlySource(spec)), { type: "text/html" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = spec.export;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    button.textContent = EXPORT_LABEL;
  } catch (error) {
    button.textContent = `${EXPORT_LABEL} (could not be written: ${error.message}; press to try again)`;
  } finally {
    button.disabled = false;
  }
}

// The page's parts, as plotly.io's to_html writes a figure: the figure's JSON made safe inside a script element.
function figurePage(spec, plotly) {
  const { data, layout, frames } = spec.figure;
  const json = JSON.stringify({ data, layout, frames: frames ?? [], config: spec.config }).replace(
    /[<>\/\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const title = (spec.a11y?.name ?? "Figure").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8" /><title>${title}</title></head>\n<body>\n`,
    `<div id="figure" style="height:${layout?.height ?? 450}px; width:100%;"></div>\n`,
    `<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n`,
    `<script type="text/javascript">`,
    plotly,
    `</script>\n<script type="text/javascript">Plotly.newPlot("figure", ${json});</script>\n</body>\n</html>\n`,
  ];
}

// ---- Events back to Python: a click or a dragged handle sets a point; the figure's own step slider a step ----
// Protocol (trigger values, one per gesture, never one per animation frame):
//   pick: {x, y, via}  via "click" (a click on a 2D subplot named in spec.pick, data coordinates of the pixel),
//                      "drag" (a shape named "handle" was dragged, or P on a map with a live spec: its new
//                      centre, ui/live_drag.js), "surface" (a press on a 3D surface released where it began,
//                      the point plotly reports; a press that moves turns the scene and picks nothing), "key"
//                      (an arrow key moved the point; ui/a11y.js)
//   step: k            the index of the figure slider's step, after the student moved that slider.

const CLICK_SLOP = 5; // pixels a press may move and still count as a click (more is plotly's zoom or rotate)

function listen(chart) {
  if (chart.listening) return;
  chart.listening = true;
  const div = chart.div;
  div.__gradientLabTurn = () => turnToWantedFrame(chart); // for ui/chart_frame.js
  // The pick goes out on the release itself: plotly.js handles its own click (hover labels, plotly_click) on the
  // mouseup after it, and the page's rerun need not wait for that. The release is heard on the window: plotly.js
  // lays a cover over the page while it drags.
  div.addEventListener("pointerdown", (event) => {
    // A press on P on a map with a live spec is a drag of P, previewed in the browser (ui/live_drag.js).
    if (LiveDrag.press(chart, event)) {
      chart.pressed = null;
      return;
    }
    const pressed = {
      x: event.clientX,
      y: event.clientY,
      target: event.target,
      mouse: event.pointerType === "mouse", // touch and pen go to plotly.js as they come
      sent: false, // a pick went out for this press
      held: null, // the mousedown kept from plotly.js (see below)
      dragged: false, // handed to plotly.js as a drag
      moved: false, // went further than CLICK_SLOP: a drag (a zoom box, or a 3D scene turning), never a pick
      released: false,
      surface: null, // the point a 3D scene reported under this press, sent on its release if it stayed put
    };
    chart.pressed = pressed;
    const done = new AbortController(); // this press's listeners go with its release or its cancel
    const listening = { capture: true, signal: done.signal };
    window.addEventListener("pointermove", (move) => {
      if (Math.hypot(move.clientX - pressed.x, move.clientY - pressed.y) <= CLICK_SLOP) return;
      pressed.moved = true;
      if (pressed.held) {
        pressed.dragged = true;
        handOver(pressed); // before this move's mousemove, which plotly.js's drag then receives
      }
    }, listening);
    window.addEventListener("pointerup", (release) => {
      done.abort();
      pressed.moved ||= pressed.dragged || Math.hypot(release.clientX - pressed.x, release.clientY - pressed.y) > CLICK_SLOP;
      pressed.released = true;
      if (!pressed.moved && release.button === 0 && !pressed.sent) pickAtPixel(chart, pressed, release);
      if (!pressed.moved && pressed.surface && !pressed.sent) sendSurface(chart, pressed);
      if (pressed.held) setTimeout(() => replayClick(pressed, release), 0);
    }, listening);
    window.addEventListener("pointercancel", () => {
      done.abort();
      pressed.held = null;
      pressed.moved = true; // nothing to pick
    }, listening);
  }, true);
  // A press on a map's plot area stays a click until the pointer moves CLICK_SLOP pixels. plotly.js would start
  // its zoom box at once: a cover over the whole page and a style recalculation of all of it, 5–20 ms before the
  // release, in a busy tab more, all before the pick could go out. So the press is kept from plotly.js: handed to
  // it when it turns into a drag, and replayed after a click's pick is sent (a double-click still resets the
  // axes). Listeners on the page around the chart still hear the press.
  div.addEventListener("mousedown", (event) => {
    const pressed = chart.pressed;
    const drag = event.target.closest?.(".nsewdrag");
    if (!pressed?.mouse || event.button !== 0 || !drag?.onmousedown || !chart.latest?.pick?.length) return;
    event.stopPropagation();
    event.preventDefault(); // as plotly.js's own press does: no text selection, no focus change
    pressed.held = { drag, event };
    div.parentElement?.dispatchEvent(new MouseEvent("mousedown", event));
  }, true);
  div.on("plotly_relayout", (update) => pickDraggedHandle(chart, update));
  div.on("plotly_click", (event) => pickOnSurface(chart, event));
  // Only the student's own move of the slider: playback moves it too, and must send nothing.
  div.on("plotly_sliderchange", (event) => {
    if (event.interaction) sendStep(chart, event.slider.steps.indexOf(event.step));
  });
  // Playback that stops (its last frame, or ❚❚ Pause) leaves the figure at a step: the page's step follows, one
  // message when it stops, none while it plays. A turn asked for by the page itself (turnToWantedFrame) is not.
  const stopped = () => {
    if (chart.turning) return;
    const active = div._fullLayout?.sliders?.[0]?.active;
    const wanted = window.__gradientLabFrames?.[chart.latest?.revision];
    if (Number.isInteger(active) && active !== wanted) sendStep(chart, active);
  };
  div.on("plotly_animated", stopped);
  div.on("plotly_animationinterrupted", stopped);
}

// plotly.js's drag starts from the press it was kept from: the start point and keys are the press's own.
function handOver(pressed) {
  const { drag, event } = pressed.held;
  pressed.held = null;
  if (drag.isConnected) drag.onmousedown?.(event);
}

// A click plotly.js was kept from, after its pick is sent: its press and release, so plotly.js counts clicks
// (two quick ones reset the axes) as it would have.
function replayClick(pressed, release) {
  const held = pressed.held;
  pressed.held = null;
  if (!held?.drag.isConnected || !held.drag.onmousedown) return;
  held.drag.onmousedown(held.event);
  document.dispatchEvent(new MouseEvent("mouseup", release));
}

function picks(chart, subplot) {
  return (chart.latest?.pick ?? []).includes(subplot);
}

// A click inside a cartesian subplot's plot area (not on the modebar, legend, buttons or the step slider).
function pickAtPixel(chart, pressed, event) {
  if (!pressed.target.closest?.(".nsewdrag")) return;
  const layout = chart.div._fullLayout;
  const box = chart.div.getBoundingClientRect();
  const px = event.clientX - box.left;
  const py = event.clientY - box.top;
  for (const [id, plot] of Object.entries(layout._plots ?? {})) {
    const xa = plot.xaxis;
    const ya = plot.yaxis;
    const inside = px >= xa._offset && px <= xa._offset + xa._length && py >= ya._offset && py <= ya._offset + ya._length;
    if (inside && picks(chart, id)) {
      pressed.sent = true;
      chart.send?.("pick", { x: xa.p2d(px - xa._offset), y: ya.p2d(py - ya._offset), via: "click" });
      return;
    }
  }
}

// A dragged handle: plotly's editable shape reports its new anchor (pixel-sized) or corners (data-sized).
function pickDraggedHandle(chart, update) {
  const shapes = chart.div.layout.shapes ?? [];
  shapes.forEach((shape, i) => {
    if (shape.name !== "handle") return;
    const anchored = `shapes[${i}].xanchor` in update;
    const moved = anchored || `shapes[${i}].x0` in update;
    if (!moved || !picks(chart, shape.xref === "x" ? "xy" : `${shape.xref}${shape.yref}`)) return;
    const x = anchored ? update[`shapes[${i}].xanchor`] : (update[`shapes[${i}].x0`] + update[`shapes[${i}].x1`]) / 2;
    const y = anchored ? update[`shapes[${i}].yanchor`] : (update[`shapes[${i}].y0`] + update[`shapes[${i}].y1`]) / 2;
    chart.send?.("pick", { x: Number(x), y: Number(y), via: "drag" });
  });
}

// A 3D scene picks the front-most object under the pointer, so the translucent walls and the tangent plane
// would hide the surface behind them from a click. Traces drawn with hoverinfo "skip" are only decoration:
// leave them out of the scene's picking, and a click there lands on the surface (gl-plot3d draws an object
// into its pick buffer only if it has drawPick).
function seeThrough(div) {
  for (const [id, scene] of Object.entries(div._fullLayout ?? {})) {
    if (!/^scene\d*$/.test(id)) continue;
    for (const object of scene._scene?.glplot?.objects ?? []) {
      if (object._trace?.data?.hoverinfo === "skip") object.drawPick = null;
    }
  }
}

// A scene reports a "click" from every frame it draws while the button is down, turning included. The point
// under the press is kept and sent only once the press is released without having moved: a press that moves
// turns the scene and never moves P (issue 25). A report that comes after a still release is sent at once.
function pickOnSurface(chart, event) {
  const point = event.points?.[0];
  const pressed = chart.pressed;
  if (!pressed || !point || point.data?.type !== "surface" || !picks(chart, point.data.scene ?? "scene")) return;
  if (pressed.sent || pressed.moved || pressed.surface) return;
  pressed.surface = { x: point.x, y: point.y };
  if (pressed.released) sendSurface(chart, pressed);
}

function sendSurface(chart, pressed) {
  pressed.sent = true;
  chart.send?.("pick", { ...pressed.surface, via: "surface" });
}

// The step goes to the page, and is recorded as the one the page wants: the page's answer turns nothing again.
function sendStep(chart, index) {
  if (!Number.isInteger(index) || index < 0) return;
  if (chart.latest?.revision) (window.__gradientLabFrames ??= {})[chart.latest.revision] = index;
  chart.send?.("step", index);
}

// The frame the page's own step control asks for (ui/chart_frame.js), applied once the chart has its frames.
function turnToWantedFrame(chart) {
  const frame = window.__gradientLabFrames?.[chart.latest?.revision];
  const gd = chart.div;
  const slider = gd._fullLayout?.sliders?.[0];
  if (!Number.isInteger(frame) || !slider || slider.active === frame || !gd._transitionData?._frames?.[frame]) return;
  chart.turning = true;
  Promise.resolve(
    window.Plotly.animate(gd, [String(frame)], {
      mode: "immediate",
      frame: { duration: 0, redraw: true },
      transition: { duration: 0 },
    }),
  ).finally(() => setTimeout(() => { chart.turning = false; }, 0));
}
