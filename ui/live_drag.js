// Live drag: while the student drags the ring around P (or the start point) on a map, what depends on the point
// follows the pointer on every animation frame, worked out here from the figure's `live` spec (ui/live.py) with
// LiveMath (ui/live_math.js), drawn in an overlay over the plot, with no message to the server. The release sends
// one pick; the server's figure then replaces the preview.
//
// The API other browser code may use (e.g. keyboard control of the map) is on the graph div, `div.gradientLab`:
//   point()            the point the chart shows now, [x, y] (the preview's while one is shown), or null
//   preview(x, y)      show the preview at (x, y) as a drag frame would; false if the chart has no live spec
//   release(x, y)      the end of a gesture at (x, y): one pick to the server, the preview kept until it answers
//   cancel()           drop the preview, the server's figure shows again
//   onRelease(fn)      fn({x, y}) after every release, whatever made it
//   last               the numbers of the preview shown now ({point, values, text}), null when none shows
//   released           the preview of the latest release (kept after the server's figure replaced it)
const LiveDrag = (() => {
  const RING = 11; // pixels, viz/handles.py's RADIUS
  const GRAB = RING + 4; // a press this close to P's centre grabs P
  const SLOP = 5; // pixels a press may move and still count as a click
  const SVG = "http://www.w3.org/2000/svg";

  // ---- the spec, compiled once per figure ----
  function prepare(chart) {
    const live = chart.latest?.live;
    if (!live) return null;
    if (chart.prepared?.spec === live) return chart.prepared;
    const read = (tree) => {
      try {
        return tree ? LiveMath.compile(tree) : null;
      } catch {
        return null; // a tree it cannot read: no preview of its part, the release still goes to the server
      }
    };
    // f and ∇f; H where the map draws it (curvature); the path's g and dy/dx (total derivative).
    let net = null;
    try {
      net = live.network ? LiveMath.network(live.network) : null; // the backprop page's network, as data
    } catch {
      net = null;
    }
    chart.prepared = { spec: live, f: read(live.tree), h: read(live.hessian), g: read(live.path), net };
    return chart.prepared;
  }

  function axes(chart) {
    const live = chart.latest?.live;
    const plot = chart.div._fullLayout?._plots?.[live?.subplot ?? "xy"];
    return plot ? { xa: plot.xaxis, ya: plot.yaxis } : null;
  }

  // The pointer's data coordinates on the live subplot.
  function dataAt(chart, clientX, clientY) {
    const { xa, ya } = axes(chart);
    const box = chart.div.getBoundingClientRect();
    return [xa.p2d(clientX - box.left - xa._offset), ya.p2d(clientY - box.top - ya._offset)];
  }

  // Where P is drawn now: the preview's point while one shows (a release awaiting the server), else the figure's.
  function centre(chart) {
    const point = chart.div.gradientLab?.last?.point ?? chart.latest?.live?.point;
    const ax = axes(chart);
    if (!point || !ax) return null;
    const box = chart.div.getBoundingClientRect();
    return [box.left + ax.xa._offset + ax.xa.d2p(point[0]), box.top + ax.ya._offset + ax.ya.d2p(point[1])];
  }

  // The point as its sliders hold it (ui.widgets.on_grid): inside the range, on the slider's grid.
  // Python's round(): a tie goes to the even neighbour (2.065 / 0.01 is exactly 206.5: 206, where Math.round says 207).
  function halfEven(q) {
    const low = Math.floor(q);
    const rest = q - low;
    return rest > 0.5 ? low + 1 : rest < 0.5 ? low : low % 2 === 0 ? low : low + 1;
  }

  // A point the path's map holds on its path: only x is free (its slider), y = g(x).
  function onGrid(live, point) {
    return point.map((v, i) => {
      if (i >= live.grid.length) return v;
      const { low, high, step } = live.grid[i];
      const inside = Math.min(Math.max(v, low), high);
      const snapped = Number((halfEven(inside / step) * step).toFixed(10));
      return Math.min(Math.max(snapped, low), high);
    });
  }

  // ---- a press on P starts a drag ----
  function press(chart, event) {
    const live = chart.latest?.live;
    const at = live && event.button === 0 && event.isPrimary ? centre(chart) : null;
    if (!at || Math.hypot(event.clientX - at[0], event.clientY - at[1]) > GRAB) return false;
    // Kept from plotly.js (no zoom box, no hover) and from the page: cancelling the pointerdown also keeps the
    // mouse events that would follow it from plotly.js.
    event.preventDefault();
    event.stopPropagation();
    window.Plotly?.Fx?.unhover(chart.div);
    api(chart);
    chart.dragging = true;
    const grab = [event.clientX - at[0], event.clientY - at[1]]; // where in the ring it was grabbed
    const drag = { x: event.clientX, y: event.clientY, moved: false, pending: null };
    const done = new AbortController();
    const options = { capture: true, signal: done.signal };
    const pointAt = (e) => dataAt(chart, e.clientX - grab[0], e.clientY - grab[1]);
    window.addEventListener("pointermove", (move) => {
      if (!drag.moved && Math.hypot(move.clientX - drag.x, move.clientY - drag.y) <= SLOP) return;
      drag.moved = true;
      move.preventDefault();
      // One frame's work per animation frame, for the newest position only.
      if (!drag.pending) requestAnimationFrame(() => {
        const point = drag.pending;
        drag.pending = null;
        if (point) showPreview(chart, point);
      });
      drag.pending = pointAt(move);
    }, options);
    window.addEventListener("pointerup", (up) => {
      done.abort();
      drag.pending = null;
      chart.dragging = false;
      release(chart, drag.moved ? pointAt(up) : dataAt(chart, up.clientX, up.clientY));
    }, options);
    window.addEventListener("pointercancel", () => {
      done.abort();
      drag.pending = null;
      chart.dragging = false;
      cancel(chart);
    }, options);
    return true;
  }

  function release(chart, point) {
    const live = chart.latest?.live;
    if (!live) return;
    showPreview(chart, onGrid(live, point)); // what the server will show: the point on its sliders' grid
    if (live.kind === "path") point = chart.div.gradientLab.last?.point ?? point; // x picks, y follows the path
    chart.div.gradientLab.released = chart.div.gradientLab.last;
    chart.awaiting = chart.latest; // the preview stays until a new figure is drawn
    chart.send?.("pick", { x: point[0], y: point[1], via: "drag" });
    clearTimeout(chart.previewTimer);
    // If the server's answer is the figure already shown (the point did not move on the grid), nothing is drawn
    // again: the preview then goes after a while on its own.
    chart.previewTimer = setTimeout(() => chart.awaiting === chart.latest && cancel(chart), 4000);
    chart.releaseListeners?.forEach((fn) => fn({ x: point[0], y: point[1] }));
  }

  // ---- the preview ----
  function showPreview(chart, point) {
    const began = performance.now();
    const prepared = prepare(chart);
    const ax = axes(chart);
    if (!prepared || !ax) return false;
    api(chart);
    const layer = overlay(chart, ax);
    hideServerParts(chart, prepared.spec);
    point = place(prepared, point);
    const frame = prepared.f || prepared.net ? compute(prepared, point, ax) : { point, shapes: [], lines: [] };
    render(layer, frame, ax, chart);
    chart.div.gradientLab.last = { point: frame.point, values: frame.values ?? null, text: frame.text ?? null };
    // For the benchmark (python -m bench.browser): when each frame's preview was drawn, and its work in ms.
    (window.__gradientLabDragFrames ??= []).push([performance.now(), performance.now() - began]);
    return true;
  }

  function cancel(chart) {
    clearTimeout(chart.previewTimer);
    chart.awaiting = null;
    chart.overlay?.root.remove();
    chart.overlay = null;
    if (chart.div.gradientLab) chart.div.gradientLab.last = null;
    showServerParts(chart);
  }

  // After a new figure is drawn: the server's numbers replace the preview.
  function drawn(chart) {
    api(chart);
    if (chart.overlay && !chart.dragging && chart.awaiting !== chart.latest) cancel(chart);
  }

  // The traces and the ring the preview stands in for, hidden while it shows (their SVG, not the figure).
  function hideServerParts(chart, live) {
    if (chart.hidden) return;
    const names = live.hide ?? [];
    const hidden = [];
    const data = chart.div._fullData ?? [];
    // A contour trace's group is a g.contour, not a .trace (plotly.js): the level curves a map draws are hidden too.
    chart.div.querySelectorAll(".trace, g.contour").forEach((el) => {
      const index = el.__data__?.[0]?.trace?.index;
      const name = data[index]?.name ?? "";
      if (Number.isInteger(index) && names.some((prefix) => name.startsWith(prefix))) hidden.push(el);
    });
    (chart.div.layout?.shapes ?? []).forEach((shape, i) => {
      if (shape.name === "handle") {
        chart.div.querySelectorAll(`.shapelayer path[data-index="${i}"]`).forEach((el) => hidden.push(el));
      }
    });
    hidden.forEach((el) => { el.style.visibility = "hidden"; });
    chart.hidden = hidden;
  }

  function showServerParts(chart) {
    (chart.hidden ?? []).forEach((el) => { el.style.visibility = ""; });
    chart.hidden = null;
  }

  // The style of a trace the preview replaces, so the preview looks like the figure it stands in for.
  function styleOf(chart, prefix, fallback) {
    const trace = (chart.div._fullData ?? []).find((t) => (t.name ?? "").startsWith(prefix));
    const color = trace?.line?.color ?? trace?.marker?.color;
    return {
      color: typeof color === "string" ? color : fallback.color,
      width: trace?.line?.width ?? fallback.width,
      size: typeof trace?.marker?.size === "number" ? trace.marker.size : fallback.size,
    };
  }

  // ---- what depends on the point, per kind of map ----
  const KINDS = {
    gradient(prepared, point, ax) {
      const { spec, f } = prepared;
      const [value, ...grad] = f(point);
      const { number } = LiveMath;
      const scale = Math.abs(value);
      const norm = Math.hypot(grad[0], grad[1]);
      const lines = [];
      if (grad.every(Number.isFinite) && Number.isFinite(value)) {
        const g = clippedScale(spec.bounds, point, grad, 0.18);
        lines.push({ role: "gradient", from: point, to: [point[0] + g * grad[0], point[1] + g * grad[1]] });
        if (spec.theta !== null && spec.theta !== undefined) {
          const u = [Math.cos(spec.theta), Math.sin(spec.theta)];
          const s = clippedScale(spec.bounds, point, u, 0.12);
          lines.push({ role: "direction", from: point, to: [point[0] + s * u[0], point[1] + s * u[1]] });
        }
      }
      const du = spec.theta == null ? null : grad[0] * Math.cos(spec.theta) + grad[1] * Math.sin(spec.theta);
      const duLabel = spec.theta == null ? null : `Dᵤf(P), θ = ${Math.round((spec.theta * 180) / Math.PI)}°`;
      const values = {
        [`∂f/∂${spec.names[0]}(P)`]: number(grad[0], 4, scale),
        [`∂f/∂${spec.names[1]}(P)`]: number(grad[1], 4, scale),
        "|∇f(P)|": number(norm, 4, scale),
        ...(du === null ? {} : { [duLabel]: number(du, 4, scale) }),
      };
      const text = `P = (${number(point[0])}, ${number(point[1])})   f(P) = ${number(value)}   ` +
        `∇f(P) = (${values[`∂f/∂${spec.names[0]}(P)`]}, ${values[`∂f/∂${spec.names[1]}(P)`]})` +
        (du === null ? "" : `   Dᵤf(P) = ${values[duLabel]}`);
      return { point, lines, paths: [], values, text };
    },

    partials(prepared, point) {
      const { spec, f } = prepared;
      const { number } = LiveMath;
      const [value, fx, fy] = f(point);
      const [x0, x1, y0, y1] = spec.bounds;
      const [across, up] = spec.colors;
      const lines = [
        { from: [x0, point[1]], to: [x1, point[1]], color: across, width: 4, head: false },
        { from: [point[0], y0], to: [point[0], y1], color: up, width: 4, head: false },
      ];
      const [a, b] = spec.names;
      const defined = [value, fx, fy].every(Number.isFinite);
      // The page's metrics (pages/partials.py), none where f or a partial is undefined at P, as there.
      const values = defined ? {
        "f(P)": number(value),
        [`∂f/∂${a} at P`]: number(fx, 4, Math.abs(value)),
        [`∂f/∂${b} at P`]: number(fy, 4, Math.abs(value)),
      } : {};
      const text = `P = (${number(point[0])}, ${number(point[1])})   f(P) = ${number(value)}   ` +
        `∂f/∂${a} = ${number(fx, 4, Math.abs(value))}   ∂f/∂${b} = ${number(fy, 4, Math.abs(value))}`;
      return { point, lines, paths: [], values, text };
    },

    path(prepared, point) {
      const { spec, f, g } = prepared;
      const { number } = LiveMath;
      const [x, y] = point;
      const [, dyDx] = g([x]);
      const [z, zx, zy] = f(point);
      const chain = zx + zy * dyDx;
      const lines = [];
      if ([x, y, dyDx].every(Number.isFinite)) {
        const s = clippedScale(spec.bounds, point, [1, dyDx], 0.12);
        lines.push({ role: "direction", from: point, to: [x + s, y + s * dyDx] });
      }
      const [a, b] = spec.names;
      const defined = [y, zx, zy, dyDx].every(Number.isFinite);
      // The page's terms (pages/total_derivative.py), in its order; none where one is undefined, as there.
      const values = defined ? {
        [`∂z/∂${a}`]: number(zx), [`∂z/∂${b}`]: number(zy), [`d${b}/d${a}`]: number(dyDx), [`dz/d${a}`]: number(chain),
      } : {};
      const text = `${a}₀ = ${number(x)}, ${b} = g(${a}₀) = ${number(y)}   z = ${number(z)}   dz/d${a} = ` +
        `${number(zx)} + ${number(zy)} · ${number(dyDx)} = ${number(chain)}`;
      return { point, lines, paths: [], values, text };
    },

    curvature(prepared, point) {
      const { spec, f, h } = prepared;
      const { number } = LiveMath;
      const [value, gx, gy] = f(point);
      let text = `P = (${number(point[0])}, ${number(point[1])})   ∇f(P) = (${number(gx, 4, Math.abs(value))}, ` +
        `${number(gy, 4, Math.abs(value))})`;
      const H = h ? h(point) : null;
      if (!H || !H.every(Number.isFinite)) return { point, lines: [], paths: [], values: {}, text };
      const { values: lam, vectors } = eigh(H[0], H[2], H[3]);
      const largest = Math.max(Math.abs(lam[0]), Math.abs(lam[1]));
      const [x0, x1, y0, y1] = spec.bounds;
      const reach = (0.3 * Math.min(x1 - x0, y1 - y0)) / 2; // viz.curvature.eigen_axes
      const lines = lam.map((l, i) => {
        const half = largest > 0 ? (reach * Math.abs(l)) / largest : 0;
        const v = vectors[i];
        const flat = Math.abs(l) <= 1e-8 * Math.max(1, largest);
        const color = flat ? spec.colors.flat : l > 0 ? spec.colors.up : spec.colors.down;
        return {
          from: [point[0] - half * v[0], point[1] - half * v[1]],
          to: [point[0] + half * v[0], point[1] + half * v[1]],
          color, width: 5, head: false, dash: flat ? "12,4,3,4" : l > 0 ? null : "12,8",
        };
      });
      const sizes = lam.map(Math.abs);
      const kappa = Math.min(...sizes) > 0 ? Math.max(...sizes) / Math.min(...sizes) : Infinity;
      const values = { "λ₁": number(lam[0]), "λ₂": number(lam[1]), "κ = |λ|max/|λ|min": number(kappa, 4) };
      text += `   λ₁ = ${values["λ₁"]}, λ₂ = ${values["λ₂"]}, κ = ${values["κ = |λ|max/|λ|min"]}`;
      return { point, lines, paths: [], values, text };
    },

    network(prepared, point) {
      const { spec, net } = prepared;
      const { number } = LiveMath;
      const [i, j] = spec.pair;
      const start = spec.start.slice();
      [start[i], start[j]] = point;
      const run = LiveMath.descend(net, start, spec.optimizer, spec.lr, spec.steps, spec.hyper);
      const k = run.points.length - 1;
      const end = [run.points[k][i], run.points[k][j]];
      const g = [run.gradients[k][i], run.gradients[k][j]];
      const value = run.values[k];
      const lines = [];
      if (g.every(Number.isFinite) && (g[0] !== 0 || g[1] !== 0)) {
        const scale = (0.18 * spec.width) / Math.hypot(g[0], g[1]); // viz.gradient.arrow_scale, as the map draws ∇L
        lines.push({ role: "gradient", from: end, to: [end[0] + scale * g[0], end[1] + scale * g[1]] });
      }
      const [a, b] = spec.names;
      const values = { "mean loss L": number(value, 6) };
      const where = run.divergedAt === null ? `after ${k} steps` : `blew up at step ${run.divergedAt}, after ${k}`;
      const text = `start (${a}, ${b}) = (${number(point[0])}, ${number(point[1])})   ${where}: (${a}, ${b}) = ` +
        `(${number(end[0])}, ${number(end[1])}), L = ${values["mean loss L"]}, (∂L/∂${a}, ∂L/∂${b}) = ` +
        `(${number(g[0], 3)}, ${number(g[1], 3)})`;
      const paths = k > 0 ? [{ role: "path", points: run.points.map((p) => [p[i], p[j]]) }] : [];
      return { point, lines, paths, end: k > 0 ? end : null, values, text };
    },

    descent(prepared, point) {
      const { spec, f } = prepared;
      const { number } = LiveMath;
      const run = LiveMath.descend(f, point, spec.optimizer, spec.lr, spec.steps, spec.hyper);
      const last = run.points[run.points.length - 1];
      const size = Math.max(...point.map(Math.abs));
      const values = {
        "final loss f(θ)": number(run.values[run.values.length - 1], 4, Math.abs(run.values[0])),
        ...Object.fromEntries(spec.names.map((name, i) => [`final ${name}`, number(last[i], 4, size)])),
      };
      const steps = run.points.length - 1;
      const where = run.divergedAt === null ? `after ${steps} steps` : `diverged at step ${run.divergedAt}`;
      const text = `start = (${number(point[0])}, ${number(point[1])})   ${where}: θ = (` +
        `${values[`final ${spec.names[0]}`]}, ${values[`final ${spec.names[1]}`]}), f(θ) = ${values["final loss f(θ)"]}`;
      return { point, lines: [], paths: [{ role: "path", points: run.points }], end: last, values, text };
    },
  };

  // Where the point goes for a pointer at `point`: on the path's map, onto the path (x kept, y = g(x)).
  function place(prepared, point) {
    if (prepared.spec.kind !== "path" || !prepared.g) return point;
    return [point[0], prepared.g([point[0]])[0]];
  }

  function compute(prepared, point, ax) {
    const kind = KINDS[prepared.spec.kind];
    return kind ? kind(prepared, point, ax) : { point, lines: [], paths: [] };
  }

  // numpy.linalg.eigh of the symmetric [[a, b], [b, d]] (its lower triangle, as numpy reads it): the eigenvalues
  // ascending and unit eigenvectors (their sign is the drawing's concern only: an axis runs both ways).
  function eigh(a, b, d) {
    const mean = (a + d) / 2;
    const r = Math.hypot((a - d) / 2, b);
    const values = [mean - r, mean + r];
    const vectors = values.map((l, i) => {
      if (b === 0) return (a <= d) === (i === 0) ? [1, 0] : [0, 1];
      // Of (l − d, b) and (b, l − a), both along the eigenvector, the longer is the better-conditioned.
      const p = [l - d, b];
      const q = [b, l - a];
      const v = Math.hypot(...p) >= Math.hypot(...q) ? p : q;
      const n = Math.hypot(...v);
      return [v[0] / n, v[1] / n];
    });
    return { values, vectors };
  }

  // viz.gradient.clipped_arrow_scale: the arrow's drawn length, shortened so its tip stays inside the plot.
  function clippedScale(bounds, point, v, fraction) {
    const [x0, x1, y0, y1] = bounds;
    const width = Math.max(x1 - x0, y1 - y0);
    const length = Math.hypot(v[0], v[1]);
    if (!(length > 0)) return 1.0;
    const scale = (fraction * width) / length;
    const floor = (0.03 * width) / length;
    const inside = (margin) => {
      let t = Infinity;
      [[x0, x1], [y0, y1]].forEach(([low, high], i) => {
        const pad = margin * (high - low);
        if (v[i] > 0) t = Math.min(t, (high - pad - point[i]) / v[i]);
        else if (v[i] < 0) t = Math.min(t, (low + pad - point[i]) / v[i]);
      });
      return Math.max(t, 0);
    };
    return Math.min(scale, Math.max(inside(0.02), Math.min(floor, inside(0))));
  }

  // ---- drawing: one SVG over the plot area, one readout line ----
  function overlay(chart, { xa, ya }) {
    if (!chart.overlay) {
      const root = document.createElement("div");
      root.className = "gl-live";
      root.style.cssText = "position:absolute;left:0;top:0;pointer-events:none;z-index:5;";
      const svg = document.createElementNS(SVG, "svg");
      svg.style.cssText = "position:absolute;overflow:hidden;";
      const text = document.createElement("div");
      text.className = "gl-live-readout";
      // Dark text on a light box in both themes, over the map's colours; it wraps within the plot's width.
      // max-content: the box of a zero-width overlay would otherwise wrap at every space; maxWidth bounds it.
      text.style.cssText = "position:absolute;width:max-content;white-space:pre-wrap;padding:2px 6px;" +
        "border-radius:4px;box-sizing:border-box;" +
        "background:rgba(255,255,255,0.9);color:#31333F;line-height:1.3;";
      root.append(svg, text);
      chart.div.style.position = "relative";
      chart.div.appendChild(root);
      chart.overlay = { root, svg, text, parts: new Map() };
    }
    const { svg, text } = chart.overlay;
    Object.assign(svg.style, { left: `${xa._offset}px`, top: `${ya._offset}px` });
    svg.setAttribute("width", xa._length);
    svg.setAttribute("height", ya._length);
    const size = chart.div._fullLayout?.font?.size ?? 13; // the figure's own type size (larger in lecture mode)
    Object.assign(text.style, {
      left: `${xa._offset + 4}px`,
      top: `${ya._offset + 4}px`,
      maxWidth: `${xa._length - 8}px`,
      font: `${size}px ${chart.div._fullLayout?.font?.family ?? "sans-serif"}`,
    });
    return chart.overlay;
  }

  function part(layer, key, tag, attributes) {
    let el = layer.parts.get(key);
    if (!el) {
      el = document.createElementNS(SVG, tag);
      layer.svg.appendChild(el);
      layer.parts.set(key, el);
    }
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    return el;
  }

  function render(layer, frame, { xa, ya }, chart) {
    const px = (p) => [xa.d2p(p[0]), ya.d2p(p[1])];
    layer.parts.forEach((el) => { el.style.display = "none"; }); // a part this frame does not draw is hidden
    const draw = (key, tag, attributes) => {
      const el = part(layer, key, tag, attributes);
      el.style.display = "";
      return el;
    };
    const live = chart.latest.live;
    const styles = live.styles ?? {};
    (frame.paths ?? []).forEach((path, i) => {
      const style = styleOf(chart, styles[path.role] ?? "", { color: "#FFFFFF", width: 2, size: 4 });
      const d = path.points.map((p, j) => `${j ? "L" : "M"}${px(p).join(",")}`).join("");
      draw(`path${i}`, "path", { d, fill: "none", stroke: style.color, "stroke-width": style.width });
      const r = style.size / 2;
      const dots = path.points.map((p) => {
        const [x, y] = px(p);
        return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
      }).join("");
      draw(`dots${i}`, "path", { d: dots, fill: style.color, stroke: "none" });
    });
    (frame.lines ?? []).forEach((line, i) => {
      const style = styleOf(chart, styles[line.role] ?? "", { color: "#CC79A7", width: 4, size: 16 });
      if (line.color) Object.assign(style, { color: line.color, width: line.width ?? style.width });
      const [x0, y0] = px(line.from);
      const [x1, y1] = px(line.to);
      draw(`line${i}`, "line", {
        x1: x0, y1: y0, x2: x1, y2: y1, stroke: style.color, "stroke-width": style.width,
        "stroke-dasharray": line.dash ?? "none",
      });
      if (line.head === false) return;
      const angle = Math.atan2(y1 - y0, x1 - x0);
      const head = 5 + style.width * 1.5;
      const wing = (a) => `${x1 - head * Math.cos(angle + a)},${y1 - head * Math.sin(angle + a)}`;
      draw(`head${i}`, "path", { d: `M${x1},${y1}L${wing(0.45)}L${wing(-0.45)}Z`, fill: style.color });
    });
    const pointStyle = styleOf(chart, styles.point ?? "", { color: "#D55E00", width: 2, size: 12 });
    const [x, y] = px(frame.point);
    draw("point", "circle", { cx: x, cy: y, r: pointStyle.size / 2, fill: pointStyle.color, class: "gl-live-point" });
    draw("ring", "circle", { cx: x, cy: y, r: RING, fill: "none", stroke: pointStyle.color, "stroke-width": 2 });
    if (frame.end) {
      const [ex, ey] = px(frame.end);
      draw("end", "circle", { cx: ex, cy: ey, r: pointStyle.size / 2, fill: "none", stroke: pointStyle.color, "stroke-width": 3 });
    }
    layer.text.textContent = frame.text ?? "";
    layer.text.style.display = frame.text ? "" : "none";
  }

  // ---- the API on the graph div ----
  function api(chart) {
    if (chart.div.gradientLab) return;
    chart.releaseListeners = [];
    chart.div.gradientLab = {
      point: () => chart.div.gradientLab.last?.point ?? chart.latest?.live?.point ?? null,
      preview: (x, y) => showPreview(chart, [x, y]),
      release: (x, y) => release(chart, [x, y]),
      cancel: () => cancel(chart),
      onRelease: (fn) => chart.releaseListeners.push(fn),
      last: null,
      released: null,
    };
  }

  return { press, drawn, api };
})();
