// A component whose script is served from app/static (ui/plotly_js.py static_script), loaded once per tab: each
// message carries this loader instead of the script (the chart's is 77 KB, on every chart of every rerun).
// SOURCE is set by ui/chart.py.
const modules = (window.__gradientLabModules ??= {}); // address -> {loading, module}

function load() {
  const entry = (modules[SOURCE] ??= {});
  entry.loading ??= fetch(SOURCE)
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.text();
    })
    .then((text) => import(URL.createObjectURL(new Blob([text], { type: "text/javascript" }))))
    .then((module) => (entry.module = module))
    .catch((error) => {
      entry.loading = undefined; // the next rerun tries again
      throw error;
    });
  return entry.loading;
}

export default function (component) {
  let cleanup = null;
  let gone = false;
  const run = (module) => {
    if (!gone) cleanup = module.default(component) ?? null;
  };
  const ready = modules[SOURCE]?.module;
  if (ready) run(ready); // every rerun after the first: at once, as an inline script would
  else
    load().then(run, (error) => {
      if (!gone) component.parentElement.textContent = `This chart could not be drawn (${error.message}). Reload the page to try again.`;
    });
  return () => {
    gone = true;
    if (typeof cleanup === "function") cleanup();
  };
}
