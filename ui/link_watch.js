// Keeps 'Link to this view' (ui/view.py) equal to the address bar. A part of the page that reruns alone (an
// st.fragment: Back/Next on a step, a tab's own controls) writes its controls into the address but cannot redraw
// the link box below it. This watcher compares the address bar's query with the one the shown link was built
// from and, when they differ, asks the server to rebuild the link box (a rerun of that box alone).
const IGNORED = ["embed", "embed_options"]; // Streamlit's own parameters, never part of a link

function entries(search) {
  const params = new URLSearchParams(search);
  IGNORED.forEach((name) => params.delete(name));
  return JSON.stringify([...params.entries()].sort());
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const shown = entries(data?.query ?? "");
  clearInterval(parentElement.__glLinkWatch);
  let since = null;
  // A full rerun writes the address a moment before it redraws the link: a difference must hold a while. Each
  // address is asked for once, so an address the server would write differently can never loop.
  parentElement.__glLinkWatch = setInterval(() => {
    const now = entries(window.location.search);
    if (now === shown || now === parentElement.__glLinkAsked) {
      since = null;
      return;
    }
    since = since ?? Date.now();
    if (Date.now() - since >= 300) {
      parentElement.__glLinkAsked = now;
      setTriggerValue("moved", now);
    }
  }, 100);
  return () => clearInterval(parentElement.__glLinkWatch);
}
