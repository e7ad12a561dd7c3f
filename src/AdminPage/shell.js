// What views share with the page's shell: navigation, the notice line, and what to do when the session is
// gone. app.js fills in the shell's side at start.

import { ApiError } from "./api.js";
import { errorText } from "./dom.js";

const shell = { render: () => undefined, endAccess: (error) => { throw error; } };
let pendingNotice = "";

export function configureShell(render, endAccess) {
  shell.render = render;
  shell.endAccess = endAccess;
}

/** Shows a short message above the view (until the next navigation). */
export function notify(text) {
  const notice = document.getElementById("notice");
  notice.textContent = text;
  notice.hidden = !text;
}

/** Shows the notice a navigation asked for, or clears the old one. */
export function takeNotice() {
  notify(pendingNotice);
  pendingNotice = "";
}

/** Goes to a route (re-rendering it when it is the current one), then shows `notice`. */
export function go(route, notice = "") {
  pendingNotice = notice;
  if (window.location.hash === `#${route}`) {
    takeNotice();
    shell.render();
  } else {
    window.location.hash = route;
  }
}

/** True when the error ended the session (the shell then asks to sign in again). Other refusals, such as a 403 for
 * an action the server does not allow, are shown where they happened. */
export function endsAccess(error) {
  if (error instanceof ApiError && error.status === 401) {
    shell.endAccess(error);
    return true;
  }
  return false;
}

/** Loads a part of a view into `container`, showing an error there instead when the call fails. */
export async function load(container, loader, testid) {
  try {
    await loader();
  } catch (error) {
    if (!endsAccess(error)) {
      container.replaceChildren(errorText(error, testid));
    }
  }
}

/** Runs a button's action; the button is disabled meanwhile, and a failure is shown in `output`. */
export async function act(button, output, action) {
  button.disabled = true;
  output.replaceChildren();
  try {
    await action();
  } catch (error) {
    if (!endsAccess(error)) {
      output.replaceChildren(errorText(error, "action-error"));
    }
  } finally {
    button.disabled = false;
  }
}
