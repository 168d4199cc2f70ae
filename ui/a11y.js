// Every chart for the keyboard, a screen reader and the ear (issue 29). Loaded with the chart component: ui/chart.py
// puts this file before plotly_chart.js, which calls accessible(chart) after each draw, soundConfig(config, chart)
// when it draws and announcing(chart, send) for what it sends. The chart's words and sound come from the server
// (spec.a11y = {name, description, sound, keys}; see viz/describe.py): this file only hands them on and plays them.
//
// Keys, with the chart focused (one Tab stop; the toolbar after it is one more, its buttons chosen with ← →):
//   ← → ↑ ↓  move P or the start by one step of its slider (Shift: ten steps); the page updates as for a click
//            (on a map whose click sends an answer, keys.confirm: the keys move a mark, and Enter sends it)
//   S        play the audio trace (again: stop)    Space  play or pause the figure's steps

const KEY_HINT = {
  move: "← → ↑ ↓ move the point (Shift: ×10)",
  mark: "← → ↑ ↓ mark your answer (Shift: ×10), Enter: send it",
  sound: "S: hear it",
  play: "Space: play / pause",
  tools: "Tab: toolbar (← → to choose)",
};
let serial = 0; // ids for the description elements

// Sends that come from the student's own gesture on this chart (a click, a drag, a key) mark the chart, so its
// next new description is announced once in its live region.
function announcing(chart, send) {
  return (...args) => {
    chart.gesture = true;
    return send?.(...args);
  };
}

function accessible(chart) {
  const spec = chart.latest?.a11y;
  const div = chart.div;
  if (!spec || !div.isConnected) return;
  const parts = chart.a11yParts ?? describedParts(chart);
  const keys = keyList(chart);
  div.setAttribute("tabindex", "0");
  div.setAttribute("role", "application");
  div.setAttribute("aria-roledescription", "chart");
  div.setAttribute("aria-label", spec.name);
  div.setAttribute("aria-describedby", parts.description.id);
  div.setAttribute("aria-keyshortcuts", keys.shortcuts.join(" "));
  const text = `${spec.description} Keys: ${keys.hints.join("; ")}.`;
  if (parts.description.textContent !== text) parts.description.textContent = text;
  parts.hint.textContent = keys.hints.join(" · ");
  // A new description after the student's own gesture is said once, politely; other updates are not announced.
  if (chart.gesture && spec.description !== chart.announced) {
    parts.live.textContent = spec.description;
    chart.announced = spec.description;
    chart.gesture = false;
  } else if (chart.announced === undefined) {
    chart.announced = spec.description;
  }
  if (caughtUp(chart)) chart.pending = null; // the point drawn now is the truth again
  toolbar(chart);
}

// Beside the chart: its description (read through aria-describedby), a polite live region, and the keys, shown
// while the chart has the keyboard's focus.
function describedParts(chart) {
  const parent = chart.div.parentElement;
  parent.style.position = "relative";
  const description = document.createElement("p");
  description.id = `gl-chart-description-${++serial}`;
  description.className = "gl-sr-only";
  const live = document.createElement("div");
  live.className = "gl-sr-only gl-announce";
  live.setAttribute("aria-live", "polite");
  live.setAttribute("aria-atomic", "true");
  const hint = document.createElement("div");
  hint.className = "gl-keys";
  hint.setAttribute("aria-hidden", "true"); // the description says the keys
  parent.append(description, live, hint);
  chart.div.addEventListener("keydown", (event) => onKey(chart, event));
  chart.div.on?.("plotly_afterplot", () => toolbar(chart));
  chart.a11yParts = { description, live, hint };
  return chart.a11yParts;
}

function keyList(chart) {
  const spec = chart.latest.a11y;
  const hints = [];
  const shortcuts = [];
  if (spec.keys) {
    const move = spec.keys.confirm ? KEY_HINT.mark : KEY_HINT.move;
    hints.push(spec.keys.step.length > 1 ? move : move.replace("↑ ↓ ", ""));
    shortcuts.push("ArrowLeft", "ArrowRight", ...(spec.keys.step.length > 1 ? ["ArrowUp", "ArrowDown"] : []));
    if (spec.keys.confirm) shortcuts.push("Enter");
  }
  if (spec.sound) {
    hints.push(KEY_HINT.sound);
    shortcuts.push("S");
  }
  if (playButtons(chart.div)) {
    hints.push(KEY_HINT.play);
    shortcuts.push("Space");
  }
  hints.push(KEY_HINT.tools);
  return { hints, shortcuts };
}

// ---- Keys on the focused chart ----

const ARROWS = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowDown: [1, -1], ArrowUp: [1, 1] };

function onKey(chart, event) {
  if (event.target !== chart.div || event.ctrlKey || event.metaKey || event.altKey) return;
  const spec = chart.latest?.a11y;
  if (!spec) return;
  if (event.key in ARROWS && spec.keys) {
    const [axis, sign] = ARROWS[event.key];
    if (axis < spec.keys.step.length) {
      event.preventDefault(); // the page would scroll
      movePoint(chart, axis, sign * (event.shiftKey ? 10 : 1));
    }
  } else if (event.key === "Enter" && spec.keys?.confirm && chart.marked) {
    event.preventDefault();
    const [x, y] = chart.marked;
    chart.marked = null;
    chart.send?.("pick", { x, y: y ?? x, via: "key" });
  } else if (event.key.toLowerCase() === "s" && spec.sound) {
    event.preventDefault();
    toggleSound(chart);
  } else if (event.key === " " && playButtons(chart.div)) {
    event.preventDefault();
    togglePlay(chart);
  }
}

// The point moves from where it is drawn, or from where the last key sent it while the page reruns, so presses
// in quick succession add up. Its slider's grid and range hold as they do for a click. A held key repeats some 30
// times a second: the page is asked at most every KEY_PICK_MS, with the newest point, and the last one always.
const KEY_PICK_MS = 150;

function movePoint(chart, axis, steps) {
  const { point, step, low, high, confirm } = chart.latest.a11y.keys;
  const from = (confirm ? chart.marked : chart.pending) ?? point;
  const to = from.map((v, i) => (i === axis ? Math.min(Math.max(v + steps * step[i], low[i]), high[i]) : v));
  const rounded = to.map((v, i) => Number((Math.round(v / step[i]) * step[i]).toFixed(10)));
  if (rounded.every((v, i) => v === from[i])) return; // at the edge already
  if (confirm) {
    markAnswer(chart, rounded, step);
    return;
  }
  chart.pending = rounded;
  if (!chart.keyTimer) sendKeyPick(chart);
}

// A mark where the keys put the answer, drawn on the map and said in the live region; nothing is sent until Enter.
function markAnswer(chart, point, step) {
  chart.marked = point;
  const [x, y] = point;
  const shapes = (chart.div.layout?.shapes ?? []).filter((shape) => shape.name !== "gl-key-mark");
  const [rx, ry] = [step[0] * 0.9, (step[1] ?? step[0]) * 0.9];
  shapes.push({
    name: "gl-key-mark", type: "circle", xref: "x", yref: "y", x0: x - rx, x1: x + rx, y0: y - ry, y1: y + ry,
    line: { color: "#000", width: 3 }, fillcolor: "rgba(255,255,255,0.6)",
  });
  window.Plotly?.relayout(chart.div, { shapes });
  const shown = point.map((v) => String(Number(v.toPrecision(4))).replace("-", "−"));
  chart.a11yParts.live.textContent = `Marked (${shown.join(", ")}). Press Enter to send it.`;
}

// The page has drawn the point the keys last sent (or that was long ago: a slider moved it since, say). Until then
// the keys go on from the point they sent, not from an older one an earlier rerun drew.
function caughtUp(chart) {
  const keys = chart.latest?.a11y?.keys;
  if (chart.keyTimer || !chart.keySent || !keys) return !chart.keyTimer;
  const drawn = keys.point.every((v, i) => Math.abs(v - chart.keySent[i]) < keys.step[i] / 2);
  return drawn || Date.now() - chart.keySentAt > 2000;
}

function sendKeyPick(chart) {
  const point = chart.pending;
  if (!point || point === chart.keySent) {
    chart.keyTimer = null;
    return;
  }
  chart.keySent = point;
  chart.keySentAt = Date.now();
  chart.send?.("pick", { x: point[0], y: point[1] ?? point[0], via: "key" });
  chart.keyTimer = setTimeout(() => sendKeyPick(chart), KEY_PICK_MS);
}

function playButtons(div) {
  const menu = div._fullLayout?.updatemenus?.[0];
  const [play, pause] = menu?.buttons ?? [];
  return play?.method === "animate" && pause?.method === "animate" ? { play, pause } : null;
}

// Space plays the figure's steps from where it stands, and pauses them, as its own ▶ Play and ❚❚ Pause do.
function togglePlay(chart) {
  const buttons = playButtons(chart.div);
  const Plotly = window.Plotly;
  if (!buttons || !Plotly) return;
  if (chart.playing) {
    chart.playing = false;
    Plotly.animate(chart.div, ...buttons.pause.args);
    return;
  }
  chart.playing = true;
  chart.div.once?.("plotly_animated", () => (chart.playing = false));
  Plotly.animate(chart.div, ...buttons.play.args).catch?.(() => (chart.playing = false));
}

// ---- The toolbar as one Tab stop: roving tabindex over plotly's modebar buttons ----

function toolbar(chart) {
  const bar = chart.div.querySelector(".modebar");
  if (!bar) return;
  const buttons = [...bar.querySelectorAll(".modebar-btn")];
  if (!buttons.length) return;
  if (!bar.__glToolbar) {
    bar.__glToolbar = true; // plotly.js may mark the bar a toolbar itself; its keys are still to be added
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Chart tools");
    bar.addEventListener("keydown", (event) => onToolbarKey(chart, event));
    bar.addEventListener("focusin", (event) => {
      const index = [...bar.querySelectorAll(".modebar-btn")].indexOf(event.target);
      if (index >= 0) chart.tool = index;
    });
  }
  const current = Math.min(chart.tool ?? 0, buttons.length - 1);
  buttons.forEach((button, i) => button.setAttribute("tabindex", i === current ? "0" : "-1"));
}

function onToolbarKey(chart, event) {
  const buttons = [...chart.div.querySelectorAll(".modebar .modebar-btn")];
  const index = buttons.indexOf(event.target);
  if (index < 0) return;
  const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0 };
  next.End = buttons.length - 1;
  if (!(event.key in next)) return;
  event.preventDefault();
  chart.tool = (next[event.key] + buttons.length) % buttons.length;
  buttons.forEach((button, i) => button.setAttribute("tabindex", i === chart.tool ? "0" : "-1"));
  buttons[chart.tool].focus();
}

// ---- The audio trace ----

// A button for it in the chart's toolbar (key S): a loudspeaker.
const SPEAKER = {
  width: 24,
  height: 24,
  path:
    "M3 9v6h4l5 4V5L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z" +
    "M14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
  transform: "matrix(1 0 0 -1 0 24)", // plotly's modebar icons are drawn with y up
};

// One button object per chart: Plotly.react compares the config object by object, and a new one would redraw
// the chart from scratch (a 3D scene's WebGL context with it).
function soundConfig(config, chart) {
  if (!chart.latest?.a11y?.sound) return config;
  chart.soundButton ??= {
    name: "soundtrace",
    title: "Hear it: pitch for the value, left to right (S)",
    icon: SPEAKER,
    click: () => toggleSound(chart),
  };
  return { ...config, modeBarButtonsToAdd: [...(config.modeBarButtonsToAdd ?? []), chart.soundButton] };
}

const LOW_HZ = 220; // the lowest value sounds at A3, the highest two octaves up
const OCTAVES = 2;

// The series as sound: each value's pitch between LOW_HZ and two octaves above, panned from left to right with
// its input, silent where the value is undefined, and a tick where the marked point (P, the current step) is.
function toggleSound(chart) {
  if (chart.sounding) {
    stopSound(chart);
    return;
  }
  const sound = chart.latest?.a11y?.sound;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!sound || !Context) return;
  const audio = (window.__gradientLabAudio ||= new Context());
  audio.resume?.();
  // A descent's sound ticks at the step its figure shows now (the slider moves in the browser, without a rerun).
  const now = chart.div._fullLayout?.sliders?.[0]?.active;
  // The series may be thinned: the tick goes to the sample nearest that step.
  const distance = (i) => Math.abs(sound.x[i] - now);
  const nearest = () => sound.x.reduce((best, _, i) => (distance(i) < distance(best) ? i : best), 0);
  const follows = sound.follow === "slider" && Number.isInteger(now);
  const plan = soundPlan(follows ? { ...sound, mark: nearest() } : sound);
  const start = audio.currentTime + 0.05;
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  const pan = new StereoPannerNode(audio);
  tone.type = "triangle";
  gain.gain.setValueAtTime(0, audio.currentTime);
  plan.notes.forEach(({ at, hz, pan: where }) => {
    const t = start + at;
    gain.gain.setValueAtTime(hz ? 0.18 : 0, t);
    if (hz) tone.frequency.setValueAtTime(hz, t);
    pan.pan.setValueAtTime(where, t);
  });
  gain.gain.setValueAtTime(0, start + plan.duration);
  tone.connect(gain).connect(pan).connect(audio.destination);
  tone.start(start);
  tone.stop(start + plan.duration + 0.05);
  const nodes = [tone];
  if (plan.tick) {
    const click = audio.createOscillator();
    const clickGain = audio.createGain();
    const clickPan = new StereoPannerNode(audio, { pan: plan.tick.pan });
    click.type = "square";
    click.frequency.value = 1760;
    clickGain.gain.setValueAtTime(0.12, start + plan.tick.at);
    clickGain.gain.exponentialRampToValueAtTime(0.001, start + plan.tick.at + 0.06);
    click.connect(clickGain).connect(clickPan).connect(audio.destination);
    click.start(start + plan.tick.at);
    click.stop(start + plan.tick.at + 0.07);
    nodes.push(click);
  }
  chart.sounding = nodes;
  tone.onended = () => {
    if (chart.sounding === nodes) chart.sounding = null;
  };
  window.__gradientLabSound = { what: sound.what, ...plan }; // what was played, for the browser tests
}

function stopSound(chart) {
  chart.sounding?.forEach((node) => {
    try {
      node.stop();
    } catch {
      // already ended
    }
  });
  chart.sounding = null;
}

// When each value sounds, at which pitch and where: the whole series in 1.5 to 4 seconds.
function soundPlan(sound) {
  const ys = sound.y.filter((v) => v !== null && Number.isFinite(v));
  const xs = sound.x.filter((v) => v !== null && Number.isFinite(v));
  const [low, high] = [Math.min(...ys), Math.max(...ys)];
  const [left, right] = [Math.min(...xs), Math.max(...xs)];
  const count = sound.y.length;
  const duration = Math.min(4, Math.max(1.5, count * 0.03));
  const place = (x) => (right > left && Number.isFinite(x) ? (2 * (x - left)) / (right - left) - 1 : 0);
  const notes = sound.y.map((v, i) => ({
    at: (duration * i) / Math.max(count - 1, 1),
    hz: v === null || !Number.isFinite(v) ? 0 : LOW_HZ * 2 ** ((OCTAVES * (v - low)) / (high - low || 1)),
    pan: place(sound.x[i]),
  }));
  const mark = sound.mark;
  const tick = Number.isInteger(mark) && notes[mark] ? { at: notes[mark].at, pan: notes[mark].pan } : null;
  return { duration, notes, tick };
}
