// plotly.js comes gzipped (spec.gz, packed once by the server, see ui/plotly_js.py) and is unpacked here, where the
// browser has DecompressionStream; otherwise, or if that fails, the plain copy (spec.src) is loaded.
function loadPlotly(spec) {
  if (!window.__gradientLabPlotly) {
    window.__gradientLabPlotly = (window.Plotly ? Promise.resolve(window.Plotly) : loadPacked(spec.gz))
      .catch(() => loadScript(spec.src))
      .catch((error) => {
        window.__gradientLabPlotly = undefined; // the next rerun tries again
        throw error;
      });
  }
  return window.__gradientLabPlotly;
}

async function loadPacked(gz) {
  const text = await unpacked(gz);
  const url = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  try {
    return await loadScript(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.js did not load")));
    script.onerror = () => reject(new Error("plotly.js could not be loaded"));
    document.head.appendChild(script);
  });
}

async function unpacked(gz) {
  if (!gz || typeof DecompressionStream === "undefined") throw new Error("no gzipped plotly.js here");
  const response = await fetch(gz);
  if (!response.ok) throw new Error(`plotly.js: HTTP ${response.status}`);
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text();
}

// plotly.js's source, for a figure written out with it (a chart's "Figure as HTML"): fetched again when asked for,
// so a tab does not keep 4.8 MB of text for a download most visits never make.
async function plotlySource(spec) {
  try {
    return await unpacked(spec.gz);
  } catch {
    const response = await fetch(spec.src);
    if (!response.ok) throw new Error(`plotly.js: HTTP ${response.status}`);
    return response.text();
  }
}
