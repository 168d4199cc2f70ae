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

export default function () {
  mend();
  if (!window.gradientLabNavRoles) {
    window.gradientLabNavRoles = new MutationObserver(mend);
    window.gradientLabNavRoles.observe(document.body, { childList: true, subtree: true });
  }
}
