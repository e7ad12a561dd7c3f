// Building the page: every piece of server data goes in as text (text nodes, textContent, attribute values set one
// by one), never as markup. User names, room names and report reasons are written by anyone.

/**
 * An element: `props` sets attributes (testid becomes data-testid; functions under onX become listeners; false,
 * null and undefined are left out); children are nodes or text.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === "testid") {
      node.dataset.testid = value;
    } else if (key === "className") {
      node.className = value;
    } else if (/^on[A-Z]/.test(key)) {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key.toLowerCase().startsWith("on")) {
      throw new Error(`event handler attribute ${key} refused`);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A link inside the page: `route` is a hash path whose parts the caller escaped. */
export const link = (route, text, testid) => el("a", { href: `#${route}`, testid }, text);

/** Milliseconds since the epoch as UTC date and time, or a dash. */
export function time(ms) {
  if (typeof ms !== "number" || ms <= 0) {
    return "—";
  }
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** "1 room", "3 rooms". */
export const count = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const yesNo = (value) => (value ? "yes" : "no");

/**
 * A table that stacks into labelled rows on a narrow screen. `columns`: [{ title, cell(row) -> node or text }].
 */
export function table(columns, rows, rowTestId) {
  const head = el("tr", {}, columns.map((column) => el("th", { scope: "col" }, column.title)));
  const body = rows.map((row) => el("tr", { testid: rowTestId },
    columns.map((column) => el("td", { "data-label": column.title }, column.cell(row)))));
  return el("div", { className: "scroll" },
    el("table", { className: "list" }, el("thead", {}, head), el("tbody", {}, body)));
}

/** Name and value pairs, for one record's fields. */
export function fields(pairs, testid) {
  return el("dl", { className: "fields", testid },
    pairs.map(([name, value]) => [el("dt", {}, name), el("dd", { "data-field": name }, value ?? "—")]));
}

/** JSON shown as indented text. */
export const json = (value, testid) => el("pre", { className: "json", testid }, JSON.stringify(value, null, 2));

/** An error answer shown in place. */
export const errorText = (error, testid = "error") =>
  el("p", { className: "error", testid, role: "alert" },
    error.errcode ? `${error.message} (${error.errcode})` : String(error.message ?? error));

/**
 * A modal confirmation with optional checkboxes ([{ name, label, checked }]); resolves to null when cancelled, else
 * to { name: checked } for each checkbox.
 */
export function confirmDialog(title, message, { confirmLabel = "Confirm", checkboxes = [] } = {}) {
  return new Promise((resolve) => {
    const boxes = checkboxes.map((box) => ({
      name: box.name,
      input: el("input", { type: "checkbox", checked: box.checked === true, testid: `confirm-${box.name}` }),
      label: box.label,
    }));
    const cancel = el("button", { type: "button", testid: "confirm-cancel" }, "Cancel");
    const ok = el("button", { type: "button", className: "danger", testid: "confirm-ok" }, confirmLabel);
    const dialog = el("dialog", { testid: "confirm-dialog" },
      el("h3", {}, title), el("p", {}, message),
      boxes.map((box) => el("label", { className: "check" }, box.input, box.label)),
      el("div", { className: "actions" }, cancel, ok));
    const finish = (result) => {
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("cancel", () => finish(null));
    ok.addEventListener("click", () => finish(Object.fromEntries(boxes.map((box) => [box.name, box.input.checked]))));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Previous and next buttons for a list page; a null target leaves its button disabled. */
export function pager(previous, next, go) {
  return el("div", { className: "pager" },
    el("button", { type: "button", disabled: previous === null, testid: "page-previous", onClick: () => go(previous) },
      "Previous"),
    el("button", { type: "button", disabled: next === null, testid: "page-next", onClick: () => go(next) }, "Next"));
}
