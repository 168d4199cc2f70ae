// "Link to this view" (ui/view.py share_link): the address bar as it is now, as a link for students (the projector's
// choices left out unless the lecturer keeps them) and, when the view has projector choices, this exact view.
// Written here from the address bar, which the server keeps current (ui/page.py relink): a part of the page that
// reruns alone (ui/parts.py) moves the address without drawing the box again, and the box follows it.
// data: {projector: [names a students' link leaves out], keep: the checkbox's label}

const boxes = new WeakMap(); // parent element -> {keep, student, exact, projector}
const STREAMLIT = ["embed", "embed_options"]; // Streamlit's own display options, never part of a view

// Streamlit writes the address with history.replaceState (or pushState), which fires no event: announce it.
function watchAddress() {
  if (window.__gradientLabAddress) return;
  window.__gradientLabAddress = true;
  for (const name of ["pushState", "replaceState"]) {
    const real = history[name];
    history[name] = function (...args) {
      const result = real.apply(this, args);
      window.dispatchEvent(new Event("gradient-lab-address"));
      return result;
    };
  }
  window.addEventListener("popstate", () => window.dispatchEvent(new Event("gradient-lab-address")));
}

// The address without the parameters named in ``dropped``, the others exactly as the address bar writes them.
function addressWithout(href, dropped) {
  const url = new URL(href);
  const kept = url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((pair) => pair && !dropped.includes(decodeURIComponent(pair.split("=")[0].replace(/\+/g, " "))));
  return `${url.origin}${url.pathname}${kept.length ? `?${kept.join("&")}` : ""}`;
}

// A new element of the box: its tag, class and text.
function element(tag, className, text = "") {
  const made = document.createElement(tag);
  made.className = className;
  made.textContent = text;
  return made;
}

function codeBlock(label) {
  const block = element("div", "gl-link-block");
  const code = element("code", "gl-link-url");
  const copy = element("button", "gl-link-copy", "Copy");
  copy.type = "button";
  copy.setAttribute("aria-label", label);
  copy.addEventListener("click", () => copyText(code, copy));
  block.append(code, copy);
  return { block, code };
}

// The clipboard needs a secure page (https or localhost); elsewhere the link is selected for Ctrl+C.
function copyText(code, button) {
  const done = (word) => {
    button.textContent = word;
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  };
  const select = () => {
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    done("Press Ctrl+C");
  };
  if (!navigator.clipboard?.writeText) return select();
  navigator.clipboard.writeText(code.textContent).then(() => done("Copied"), select);
}

function build(parentElement, data) {
  const box = element("div", "gl-link");
  const keepLabel = element("label", "gl-link-keep");
  const keep = document.createElement("input");
  keep.type = "checkbox";
  keepLabel.append(keep, document.createTextNode(` ${data.keep}`));
  const forStudents = element("p", "gl-link-caption", "For students: this page with every control as set here.");
  const student = codeBlock("Copy the link for students");
  const exactCaption = element(
    "p",
    "gl-link-caption",
    "This view exactly, with your projector's choices (the address bar holds the same):",
  );
  const exact = codeBlock("Copy the link to this exact view");
  box.append(keepLabel, forStudents, student.block, exactCaption, exact.block);
  parentElement.appendChild(box);
  const state = { keep, student: student.code, exact: exact.code, exactParts: [exactCaption, exact.block] };
  keep.addEventListener("change", () => render(state));
  return state;
}

// Only what changed is written: every change of the page outside a chart has the formulas measured again
// (ui/nav_roles.js), and the address changes with every rerun of a part.
function render(state) {
  const href = window.location.href;
  const exact = addressWithout(href, STREAMLIT);
  const plain = addressWithout(href, [...STREAMLIT, ...state.projector]);
  const shown = state.keep.checked ? exact : plain;
  if (state.student.textContent !== shown) state.student.textContent = shown;
  if (state.exact.textContent !== exact) state.exact.textContent = exact;
  state.exactParts.forEach((part) => {
    if (part.hidden !== (exact === plain)) part.hidden = exact === plain; // no projector choices: one link
  });
}

export default function (component) {
  const { data, parentElement } = component;
  watchAddress();
  let state = boxes.get(parentElement);
  if (!state) {
    state = build(parentElement, data);
    boxes.set(parentElement, state);
    const follow = () => render(state);
    window.addEventListener("gradient-lab-address", follow);
    state.stop = () => window.removeEventListener("gradient-lab-address", follow);
  }
  state.projector = data.projector ?? [];
  render(state);
  return () => {
    // Called when Streamlit unmounts the component: once the box has really left the page, it stops following.
    setTimeout(() => {
      if (!parentElement.isConnected) {
        state.stop();
        boxes.delete(parentElement);
      }
    }, 0);
  };
}
