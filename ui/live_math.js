// The math a chart runs in the browser while the student drags: f and ∇f from the tree core/portable.py reads out
// of the server's own numpy code, the first-order optimizers of core/optimizers.py in torch's order of arithmetic,
// the descent loop of core/descent.py, and core/numbers.py's way of writing a number. Each is tested equal to the
// server's (tests/e2e/test_live_math.py). Nothing here reads a name from the tree that is not in the tables below.
const LiveMath = (() => {
  const has = (table, name) => Object.prototype.hasOwnProperty.call(table, name);

  // numpy's sigmoid and softplus as core/special.py computes them.
  function logaddexp0(u) {
    if (u === 0) return Math.LN2;
    if (u > 0) return u + Math.log1p(Math.exp(-u));
    if (u <= 0) return Math.log1p(Math.exp(u));
    return u; // NaN
  }
  const FUNCTIONS = Object.freeze({
    sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
    sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
    exp: Math.exp, log: Math.log, sqrt: Math.sqrt, cbrt: Math.cbrt, abs: Math.abs, sign: Math.sign,
    sigmoid: (u) => 0.5 * (1.0 + Math.tanh(0.5 * u)),
    relu: (u) => (u > 0 ? u : u === u ? 0 : u), // numpy.maximum(u, 0) keeps NaN
    softplus: logaddexp0,
  });
  const CONSTANTS = Object.freeze({ e: Math.E, pi: Math.PI, nan: NaN, inf: Infinity });
  const COMPARISONS = Object.freeze({
    less: (a, b) => a < b, equal: (a, b) => a === b, greater: (a, b) => a > b,
    less_equal: (a, b) => a <= b, greater_equal: (a, b) => a >= b, not_equal: (a, b) => a !== b,
  });
  const OPERATORS = Object.freeze({
    "+": (a, b) => a + b, "-": (a, b) => a - b, "*": (a, b) => a * b, "/": (a, b) => a / b,
    "**": (a, b) => Math.pow(a, b),
  });

  // A tree as a function of the inputs: closures built once, so a frame only runs arithmetic.
  function compile(tree) {
    const lets = [];
    const x = [];
    function build(e) {
      if (typeof e === "number") return () => e;
      if (!Array.isArray(e)) throw new Error("not a tree");
      const [op, a, b] = e;
      if (op === "x" && Number.isInteger(a)) return () => x[a];
      if (op === "t" && Number.isInteger(a)) return () => lets[a];
      if (op === "const" && has(CONSTANTS, a)) { const c = CONSTANTS[a]; return () => c; }
      if (op === "neg") { const f = build(a); return () => -f(); }
      if (op === "call" && has(FUNCTIONS, a)) { const g = FUNCTIONS[a], f = build(b); return () => g(f()); }
      if (op === "select") {
        const conditions = a.map((c) => (c === true ? () => true : comparison(c)));
        const values = b.map(build);
        const otherwise = build(e[3]);
        return () => {
          for (let i = 0; i < conditions.length; i++) if (conditions[i]()) return values[i]();
          return otherwise();
        };
      }
      if (has(OPERATORS, op)) { const g = OPERATORS[op], f = build(a), h = build(b); return () => g(f(), h()); }
      throw new Error("not a tree");
    }
    function comparison(c) {
      if (!Array.isArray(c) || !has(COMPARISONS, c[0])) throw new Error("not a tree");
      const g = COMPARISONS[c[0]], f = build(c[1]), h = build(c[2]);
      return () => g(f(), h());
    }
    const steps = tree.lets.map(build);
    const outs = tree.out.map(build);
    // (values) -> [f, ∂f/∂v0, …]
    return (values) => {
      for (let i = 0; i < tree.inputs; i++) x[i] = values[i];
      for (let j = 0; j < steps.length; j++) lets[j] = steps[j]();
      return outs.map((f) => f());
    };
  }

  // ---- numbers as core/numbers.py writes them ----
  const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

  // |v| rounded to p significant digits as Python does (half to even on the exact binary value): [digits, exponent].
  function significant(v, p) {
    const [mantissa, exp] = Math.abs(v).toExponential(99).split("e");
    const all = mantissa.replace(".", "");
    let kept = all.slice(0, p);
    const rest = all.slice(p);
    const half = "5".padEnd(rest.length, "0");
    const up = rest > half || (rest === half && Number(kept[p - 1]) % 2 === 1);
    let e = Number(exp);
    if (up) {
      const bumped = (BigInt(kept) + 1n).toString();
      if (bumped.length > p) { kept = bumped.slice(0, p); e += 1; } else kept = bumped;
    }
    return [kept, e];
  }

  function stripZeros(text) {
    return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }

  // Python's f"{v:.{p}g}" of a value already rounded to p digits.
  function formatG(v, p) {
    if (v === 0) return "0";
    const [digits, e] = significant(v, p);
    const sign = v < 0 ? "-" : "";
    if (e >= -4 && e < p) {
      const text = e >= 0
        ? digits.slice(0, e + 1).padEnd(e + 1, "0") + "." + digits.slice(e + 1)
        : "0." + "0".repeat(-e - 1) + digits;
      return sign + stripZeros(text);
    }
    const mantissa = stripZeros(digits[0] + "." + digits.slice(1));
    return `${sign}${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }

  function number(value, digits = 4, scale = 0) {
    if (!Number.isFinite(value)) return "undefined";
    if (Math.abs(value) <= 1e-12 * Math.abs(scale)) value = 0;
    if (value === 0) return "0";
    const [kept, e] = significant(value, digits);
    const rounded = (value < 0 ? -1 : 1) * Number(`${kept[0]}.${kept.slice(1)}e${e}`);
    let text;
    if (Math.abs(rounded) >= 1e-4 && Math.abs(rounded) < 1e5) {
      text = formatG(rounded, digits);
    } else {
      const [m, exponent] = significant(rounded, digits);
      const mantissa = (rounded < 0 ? "-" : "") + stripZeros(m[0] + "." + m.slice(1));
      const power = String(exponent).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]);
      text = `${mantissa}\u202f×\u202f10${power}`;
    }
    return text.replaceAll("-", "−");
  }

  // ---- the first-order optimizers of core/optimizers.py, elementwise, in torch's order of arithmetic ----
  const zeros = (n) => new Array(n).fill(0);
  function adamMoments(g, s, h) {
    const weight = 1 - h.beta1;
    const m = s.m.map((mi, i) => (weight < 0.5 ? mi + weight * (g[i] - mi) : g[i] - (g[i] - mi) * (1 - weight)));
    const v = s.v.map((vi, i) => vi * h.beta2 + ((1 - h.beta2) * g[i]) * g[i]);
    return { step: s.step + 1, m, v };
  }
  function adamStep(s, lr, h) {
    const stepSize = lr / (1 - h.beta1 ** s.step);
    const root = Math.sqrt(1 - h.beta2 ** s.step);
    return s.m.map((mi, i) => (-stepSize * mi) / (Math.sqrt(s.v[i]) / root + h.eps));
  }
  const adamInit = (n) => ({ step: 0, m: zeros(n), v: zeros(n) });
  function momentum(nesterov) {
    return {
      init: (n) => ({ buf: zeros(n) }),
      update(g, s, p, lr, h) {
        const buf = s.buf.map((b, i) => b * h.momentum + g[i]);
        const direction = nesterov ? g.map((gi, i) => gi + h.momentum * buf[i]) : buf;
        return [direction.map((d) => -lr * d), { buf }];
      },
    };
  }
  const OPTIMIZERS = Object.freeze({
    gd: { init: () => ({}), update: (g, s, p, lr) => [g.map((gi) => -lr * gi), s] },
    momentum: momentum(false),
    nesterov: momentum(true),
    adagrad: {
      init: (n) => ({ sum: zeros(n) }),
      update(g, s, p, lr, h) {
        const sum = s.sum.map((si, i) => si + g[i] * g[i]);
        return [g.map((gi, i) => (-lr * gi) / (Math.sqrt(sum[i]) + h.eps)), { sum }];
      },
    },
    rmsprop: {
      init: (n) => ({ v: zeros(n) }),
      update(g, s, p, lr, h) {
        const v = s.v.map((vi, i) => vi * h.alpha + ((1 - h.alpha) * g[i]) * g[i]);
        return [g.map((gi, i) => (-lr * gi) / (Math.sqrt(v[i]) + h.eps)), { v }];
      },
    },
    adam: {
      init: adamInit,
      update(g, s, p, lr, h) {
        const next = adamMoments(g, s, h);
        return [adamStep(next, lr, h), next];
      },
    },
    adamw: {
      init: adamInit,
      update(g, s, p, lr, h) {
        const next = adamMoments(g, s, h);
        const step = adamStep(next, lr, h);
        return [p.map((pi, i) => pi * (1 - lr * h.weight_decay) + step[i] - pi), next];
      },
    },
  });

  // ---- core/network.py: one forward and backward pass per example, then the batch's mean loss and gradient ----
  const sigmoid = (z) => 1.0 / (1.0 + Math.exp(-z));
  const ACTIVATIONS = Object.freeze({
    sigmoid: [sigmoid, (z) => sigmoid(z) * (1.0 - sigmoid(z))],
    tanh: [Math.tanh, (z) => { const h = Math.tanh(z); return 1.0 - h * h; }],
    relu: [(z) => (z > 0 ? z : z === z ? 0 : z), (z) => (z > 0 ? 1.0 : 0.0)],
  });
  const LOSSES = Object.freeze({
    squared: { f: (y, t) => (y - t) * (y - t), df: (y, t) => 2.0 * (y - t) },
    cross_entropy: {
      f: (y, t) => -(t * Math.log(y) + (1.0 - t) * Math.log(1.0 - y)),
      df: (y, t) => -t / y + (1.0 - t) / (1.0 - y),
      ofLogit: (z, t) => t * logaddexp0(-z) + (1.0 - t) * logaddexp0(z),
      dz: (z, t) => (1.0 - t) * sigmoid(z) - t * sigmoid(-z),
    },
  });

  // numpy's sum of a float array (pairwise: eight running sums for 8 … 128 numbers), so a mean is numpy's.
  function npSum(a) {
    const n = a.length;
    if (n < 8) return a.reduce((s, v) => s + v, 0.0);
    if (n > 128) { const half = Math.floor(n / 2 / 8) * 8; return npSum(a.slice(0, half)) + npSum(a.slice(half)); }
    const r = a.slice(0, 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[i + k];
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[i];
    return s;
  }

  // A network as ui/live.py sends it: {nodes: [[name, kind, parents, fn]], edges: [[source, target]], loss, logit,
  // weights, x1, x2, t}. Returns (w) -> [L, ∂L/∂w…] as core.network.loss_and_gradient computes them, in its order of
  // arithmetic. Compiled once to node indices, so a frame (a whole training run) only does arithmetic.
  function network(spec) {
    if (!has(LOSSES, spec.loss)) throw new Error("not a network");
    const loss = LOSSES[spec.loss];
    const index = Object.fromEntries(spec.nodes.map(([name], k) => [name, k]));
    const at = (name) => {
      if (!has(index, name)) throw new Error("not a network");
      return index[name];
    };
    const n = spec.nodes.length;
    const yhat = at("yhat");
    const logit = spec.logit ? at(spec.logit) : -1;
    const inputs = [at("x1"), at("x2")];
    const weights = spec.weights.map(at);
    // The forward pass: per node, how its value is made from the values before it.
    const forward = spec.nodes.map(([, kind, parents, fn]) => {
      if (kind === "pre") {
        const p = parents.map(at);
        return { kind, bias: p[p.length - 1], pairs: p.slice(0, -1) };
      }
      if (kind === "act") {
        if (!has(ACTIVATIONS, fn)) throw new Error("not a network");
        return { kind, parent: at(parents[0]), f: ACTIVATIONS[fn][0] };
      }
      return { kind };
    });
    // The backward pass: per node, its outgoing edges in the graph's order, each with its local partial.
    const outgoing = spec.nodes.map(() => []);
    for (const [source, target] of spec.edges) {
      const s = at(source);
      const t = at(target);
      const [, kind, parents, fn] = spec.nodes[t];
      let local;
      if (kind === "pre") {
        const p = parents.map(at);
        const k = p.indexOf(s);
        if (k === p.length - 1) local = () => 1.0; // ∂z/∂b
        else { const other = k % 2 === 0 ? p[k + 1] : p[k - 1]; local = (v) => v[other]; } // ∂(w·a)/∂w = a, /∂a = w
      } else if (kind === "act") {
        const df = ACTIVATIONS[fn][1];
        local = (v) => df(v[s]);
      } else {
        local = (v, target) => loss.df(v[yhat], target);
      }
      outgoing[s].push([t, local]);
    }
    const examples = spec.t.length;
    const v = new Float64Array(n);
    const adjoint = new Float64Array(n);
    const losses = new Array(examples);
    const grads = weights.map(() => new Array(examples));
    return (w) => {
      for (let e = 0; e < examples; e++) {
        const target = spec.t[e];
        v[inputs[0]] = spec.x1[e];
        v[inputs[1]] = spec.x2[e];
        weights.forEach((k, i) => { v[k] = w[i]; });
        for (let k = 0; k < n; k++) {
          const node = forward[k];
          if (node.kind === "pre") {
            let total = v[node.bias];
            for (let i = 0; i < node.pairs.length; i += 2) total = total + v[node.pairs[i]] * v[node.pairs[i + 1]];
            v[k] = total;
          } else if (node.kind === "act") {
            v[k] = node.f(v[node.parent]);
          } else if (node.kind === "loss") {
            v[k] = logit >= 0 ? loss.ofLogit(v[logit], target) : loss.f(v[yhat], target);
          }
        }
        adjoint[n - 1] = 1.0;
        for (let k = n - 2; k >= 0; k--) {
          if (k === logit) { adjoint[k] = loss.dz(v[k], target); continue; }
          let sum = 0;
          for (const [t, local] of outgoing[k]) sum = sum + adjoint[t] * local(v, target);
          adjoint[k] = sum;
        }
        losses[e] = v[n - 1];
        weights.forEach((k, i) => { grads[i][e] = adjoint[k]; });
      }
      return [npSum(losses) / examples, ...grads.map((g) => npSum(g) / examples)];
    };
  }

  const DIVERGENCE_LIMIT = 1e12;
  const healthy = (point, value, grad) =>
    point.every(Number.isFinite) && Number.isFinite(value) && Math.abs(value) <= DIVERGENCE_LIMIT &&
    grad.every(Number.isFinite);

  // core.descent.descend_with for a first-order optimizer: {points, values, gradients, divergedAt}.
  function descend(valueAndGrad, start, name, lr, steps, hyper) {
    if (!has(OPTIMIZERS, name)) return null;
    const rule = OPTIMIZERS[name];
    let point = start.slice();
    let [value, ...grad] = valueAndGrad(point);
    const out = { points: [point], values: [value], gradients: [grad], divergedAt: null };
    if (!healthy(point, value, grad)) { out.divergedAt = 0; return out; }
    let state = rule.init(point.length);
    for (let k = 1; k <= steps; k++) {
      const [update, next] = rule.update(grad, state, point, lr, hyper);
      state = next;
      point = point.map((p, i) => p + update[i]);
      [value, ...grad] = valueAndGrad(point);
      if (!healthy(point, value, grad)) { out.divergedAt = k; break; }
      out.points.push(point);
      out.values.push(value);
      out.gradients.push(grad);
    }
    return out;
  }

  return { compile, number, descend, network, OPTIMIZERS: Object.keys(OPTIMIZERS) };
})();
