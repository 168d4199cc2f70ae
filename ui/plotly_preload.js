// Starts loading plotly.js as soon as a page's run begins (ui/plotly_js.py preload_plotly): the 4.8 MB script is
// fetched, unpacked and compiled while the server still works on the page, not after its first chart arrives.
// loadPlotly (ui/plotly_load.js, before this) keeps one promise per tab, which the charts then use.
export default function (component) {
  loadPlotly(component.data).catch(() => {}); // a chart that needs it tries again, and says so if it fails
}
