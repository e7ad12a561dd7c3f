// The composer: a text field that sends on Enter, edits the viewer's last message on the up arrow (m.replace),
// attaches files with a preview before sending, and is disabled with the reason (and a countdown) while the viewer
// may not post.

import { el, button, formatCountdown } from "../dom";

export interface ComposerLock {
  reason: string;
  /** When the lock ends by itself (ms since epoch): shown as a countdown, then the composer asks again. */
  until?: number;
  action?: { label: string; testId: string; run: () => void };
}

export interface ComposerCallbacks {
  send(text: string, replacing: string | null): Promise<void>;
  sendFile(file: File): Promise<void>;
  lastOwnMessage(): { eventId: string; body: string } | null;
  lockEnded(): void;
}

export class Composer {
  readonly element: HTMLElement;
  private readonly input = el("textarea", {
    class: "composer-input", rows: "1", placeholder: "Message", "data-testid": "composer-input", "aria-label": "Message",
  });
  private readonly sendButton: HTMLButtonElement;
  private readonly attachButton: HTMLButtonElement;
  private readonly fileInput = el("input", { type: "file", hidden: "", "data-testid": "composer-file" });
  private readonly lockBanner = el("div", { class: "composer-lock", "data-testid": "composer-lock", hidden: "" });
  private readonly editBanner = el("div", { class: "composer-editing", "data-testid": "composer-editing", hidden: "" });
  private readonly preview = el("div", { class: "upload-preview", "data-testid": "upload-preview", hidden: "" });
  private readonly errorLine = el("div", { class: "composer-error", "data-testid": "composer-error", role: "alert" });
  private editing: string | null = null;
  private lock: ComposerLock | null = null;
  private ticker: number | undefined;

  constructor(private readonly callbacks: ComposerCallbacks) {
    this.sendButton = button("Send", "composer-send", () => void this.submit(), "primary");
    this.attachButton = button("+", "composer-attach", () => this.fileInput.click(), "attach");
    this.attachButton.setAttribute("aria-label", "Attach a file");
    this.fileInput.addEventListener("change", () => {
      const file = this.fileInput.files?.[0];
      if (file) this.showPreview(file);
      this.fileInput.value = "";
    });
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.element = el(
      "div",
      { class: "composer", "data-testid": "composer" },
      this.lockBanner,
      this.editBanner,
      this.preview,
      this.errorLine,
      el("div", { class: "composer-row" }, this.attachButton, this.input, this.sendButton, this.fileInput),
    );
  }

  setLock(lock: ComposerLock | null): void {
    this.lock = lock;
    window.clearInterval(this.ticker);
    this.ticker = undefined;
    const locked = lock !== null;
    this.input.disabled = locked;
    this.sendButton.disabled = locked;
    this.attachButton.disabled = locked;
    this.lockBanner.hidden = !locked;
    if (!lock) return;
    this.paintLock();
    if (lock.until !== undefined) {
      this.ticker = window.setInterval(() => {
        if (Date.now() >= (this.lock?.until ?? 0)) {
          this.setLock(null);
          this.callbacks.lockEnded();
        } else {
          this.paintLock();
        }
      }, 250);
    }
  }

  showError(message: string | null): void {
    this.errorLine.textContent = message ?? "";
  }

  focus(): void {
    this.input.focus();
  }

  private paintLock(): void {
    const lock = this.lock;
    if (!lock) return;
    this.lockBanner.replaceChildren(el("span", { "data-testid": "composer-lock-reason" }, lock.reason));
    if (lock.until !== undefined) {
      this.lockBanner.append(
        " ",
        el("span", { class: "countdown", "data-testid": "composer-countdown" }, formatCountdown(lock.until - Date.now())),
      );
    }
    if (lock.action) {
      this.lockBanner.append(" ", button(lock.action.label, lock.action.testId, lock.action.run, "link"));
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.submit();
    } else if (event.key === "ArrowUp" && this.input.value === "" && !this.editing) {
      const last = this.callbacks.lastOwnMessage();
      if (!last) return;
      event.preventDefault();
      this.startEditing(last.eventId, last.body);
    } else if (event.key === "Escape" && this.editing) {
      this.stopEditing();
    }
  }

  startEditing(eventId: string, body: string): void {
    this.editing = eventId;
    this.input.value = body;
    this.editBanner.hidden = false;
    this.editBanner.replaceChildren("Editing your message (Esc to cancel)");
    this.input.focus();
  }

  private stopEditing(): void {
    this.editing = null;
    this.input.value = "";
    this.editBanner.hidden = true;
  }

  private async submit(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || this.lock) return;
    const replacing = this.editing;
    this.sendButton.disabled = true;
    try {
      await this.callbacks.send(text, replacing);
      this.stopEditing();
      this.showError(null);
    } catch (error) {
      this.showError(error instanceof Error ? error.message : String(error));
    } finally {
      this.sendButton.disabled = this.lock !== null;
    }
  }

  private showPreview(file: File): void {
    this.preview.hidden = false;
    const objectUrl = file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
    const close = (): void => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      this.preview.hidden = true;
      this.preview.replaceChildren();
    };
    const send = button("Send file", "upload-send", async () => {
      send.disabled = true;
      try {
        await this.callbacks.sendFile(file);
        close();
        this.showError(null);
      } catch (error) {
        send.disabled = false;
        this.showError(error instanceof Error ? error.message : String(error));
      }
    }, "primary");
    this.preview.replaceChildren(
      objectUrl
        ? el("img", { src: objectUrl, alt: file.name, class: "upload-thumb", "data-testid": "upload-preview-image" })
        : el("span", { class: "upload-name" }, `File: ${file.name}`),
      el("span", { class: "upload-size" }, ` ${Math.ceil(file.size / 1024)} KiB `),
      send,
      button("Cancel", "upload-cancel", close, "link"),
    );
  }
}
