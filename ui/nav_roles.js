// Streamlit draws the sidebar's page list as <ul> holding both <li> links and <div> sections (a header and
// their own <li> links), which no list may hold: screen readers then announce broken lists, and axe-core
// reports the page (rules "list" and "listitem"). The outer list and each section become plain groups
// (role "none"), so every link keeps its list-item role inside a valid parent; Streamlit redraws the list
// when pages change, so an observer puts the roles back.
function mend() {
  const list = document.querySelector("[data-testid=stSidebarNavItems]");
  if (!list) return;
  if (list.getAttribute("role") !== "none") list.setAttribute("role", "none");
  for (const child of list.children) {
    if (child.tagName !== "LI" && child.getAttribute("role") !== "none") child.setAttribute("role", "none");
  }
}

// A display formula wider than its column scrolls sideways (KaTeX's overflow-x: auto); a keyboard user can only
// scroll it once it takes focus (axe-core's "scrollable-region-focusable"). Only those that overflow become a stop,
// so the Tab order does not pass through every formula on the page.
function scrollableFormulas() {
  for (const formula of document.querySelectorAll(".katex-display")) {
    const scrolls = formula.scrollWidth > formula.clientWidth;
    if (scrolls && formula.getAttribute("tabindex") !== "0") {
      formula.setAttribute("tabindex", "0");
      formula.setAttribute("role", "group");
      formula.setAttribute("aria-label", "Formula, scrolls sideways");
    } else if (!scrolls && formula.getAttribute("tabindex") === "0") {
      formula.removeAttribute("tabindex");
      formula.removeAttribute("role");
      formula.removeAttribute("aria-label");
    }
  }
}

// Once per frame at most, in the frame's own layout: a rerun changes the page in many small batches (React's
// commits, every chart's redraw), and measuring the formulas after each batch laid the whole page out again each
// time, before the charts could be painted.
let pending = false;

function mendAll() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    mend();
    scrollableFormulas();
  });
}

// Changes inside a chart (plotly.js redrawing it, a dragged point's preview on every frame) add no formula and
// touch no page list: they are not looked at.
function changed(records) {
  if (records.some((record) => !record.target.closest?.(".gl-plotly"))) mendAll();
}

export default function () {
  mendAll();
  if (!window.gradientLabNavRoles) {
    window.gradientLabNavRoles = new MutationObserver(changed);
    window.gradientLabNavRoles.observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", mendAll);
  }
}
