// The lecturer's theme (ui/view.py): Light or Dark holds through Streamlit's own theming, which takes
// ?embed_options=light_theme|dark_theme at load; Auto leaves Streamlit to follow the computer's setting.
// Streamlit chooses its theme once, when the page loads, so a change reloads the page at an address that carries
// both the choice (theme=…, read back by the new session) and Streamlit's option. Nothing happens when the theme
// on screen already matches, so a student's own choice in Streamlit's settings is never overridden under Auto.
const FORCED = { light: "light_theme", dark: "dark_theme" };
const LAST = "gradientLab.theme"; // the last theme this tab forced, so a return to Auto can undo it

function shown() {
  const app = document.querySelector("[data-testid=stApp]") || document.body;
  const [r, g, b] = (getComputedStyle(app).backgroundColor.match(/\d+(\.\d+)?/g) || [255, 255, 255]).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 128 ? "light" : "dark";
}

export default function (component) {
  const want = component.data?.theme;
  if (!["auto", "light", "dark"].includes(want)) return;
  const last = sessionStorage.getItem(LAST);
  const url = new URL(window.location.href);
  const options = url.searchParams.getAll("embed_options").filter((o) => !Object.values(FORCED).includes(o));
  if (want === "auto") {
    if (!last) return; // never forced in this tab: Streamlit's own (or the student's) choice stands
    sessionStorage.removeItem(LAST);
    url.searchParams.delete("theme");
  } else {
    sessionStorage.setItem(LAST, want);
    if (shown() === want) return;
    url.searchParams.set("theme", want);
    options.push(FORCED[want]);
  }
  url.searchParams.delete("embed_options");
  options.forEach((o) => url.searchParams.append("embed_options", o));
  // Back to Auto always reloads (the forced theme stays until then, even where the address lost its option);
  // a forced theme reloads only at a new address, so a theme Streamlit cannot show never loops.
  if (want === "auto" || url.href !== window.location.href) window.location.replace(url.href);
}
