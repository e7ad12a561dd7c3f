// The links and media gallery (GET .../rooms/{roomId}/gallery, newest first, paginated). A server without the
// endpoint gets an empty gallery with a note, not an error.

import { Api, ApiError, livePath } from "../api";
import { el, button, formatTime, safeHttpUrl } from "../dom";
import { mediaBlobUrl } from "../media";

export interface GalleryItem {
  event_id: string;
  sender: string;
  origin_server_ts: number;
  kind: "link" | "image" | "video" | "audio" | "file";
  url: string;
  body?: string;
  mimetype?: string;
}

interface GalleryPage {
  chunk: GalleryItem[];
  next_batch?: string;
}

export class GalleryView {
  readonly element = el("section", { class: "gallery", "data-testid": "gallery", hidden: "" });
  private readonly list = el("ul", { class: "gallery-list", "data-testid": "gallery-list" });
  private readonly note = el("p", { class: "muted", "data-testid": "gallery-note" });
  private readonly more: HTMLButtonElement;
  private kind: "all" | "links" | "media" = "all";
  private next: string | undefined;
  private roomId = "";

  constructor(
    private readonly api: Api,
    private readonly senderName: (userId: string) => string,
    close: () => void,
  ) {
    this.more = button("Older", "gallery-more", () => void this.loadPage(), "link");
    const filters = el("div", { class: "gallery-filters" });
    for (const kind of ["all", "links", "media"] as const) {
      filters.append(button(kind[0].toUpperCase() + kind.slice(1), `gallery-filter-${kind}`, () => {
        this.kind = kind;
        void this.open(this.roomId);
      }, "tool"));
    }
    this.element.append(
      el("header", { class: "gallery-header" }, el("h2", {}, "Links and media"), filters,
        button("Close", "gallery-close", close, "link")),
      this.note,
      this.list,
      this.more,
    );
  }

  async open(roomId: string): Promise<void> {
    this.roomId = roomId;
    this.next = undefined;
    this.list.replaceChildren();
    this.note.textContent = "Loading…";
    await this.loadPage();
  }

  private async loadPage(): Promise<void> {
    const query = new URLSearchParams({ kind: this.kind, limit: "30" });
    if (this.next) query.set("from", this.next);
    let page: GalleryPage;
    try {
      page = await this.api.request<GalleryPage>("GET", livePath(this.roomId, `/gallery?${query}`));
    } catch (error) {
      this.more.hidden = true;
      this.note.textContent = error instanceof ApiError && (error.unrecognized || error.status === 404)
        ? "The gallery is empty: this server does not offer one yet."
        : `The gallery could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    for (const item of page.chunk ?? []) this.list.append(this.renderItem(item));
    this.next = page.next_batch;
    this.more.hidden = !this.next;
    this.note.textContent = this.list.childElementCount === 0 ? "No links or media posted yet." : "";
  }

  private renderItem(item: GalleryItem): HTMLLIElement {
    const entry = el("li", { class: `gallery-item gallery-${item.kind}`, "data-testid": "gallery-item", "data-kind": item.kind });
    const caption = el("div", { class: "meta" }, `${this.senderName(item.sender)} · ${formatTime(item.origin_server_ts)}`);
    if (item.kind === "link") {
      const href = safeHttpUrl(item.url);
      entry.append(href
        ? el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow", "data-testid": "gallery-link" }, item.url)
        : el("span", {}, item.url));
    } else if (item.kind === "image") {
      const image = el("img", { alt: item.body ?? "image", class: "gallery-image", "data-testid": "gallery-image" });
      mediaBlobUrl(this.api, item.url, true).then((url) => (image.src = url), () => image.remove());
      entry.append(image);
    } else {
      entry.append(el("span", { "data-testid": "gallery-file" }, `File: ${item.body ?? item.url}`));
    }
    entry.append(caption);
    return entry;
  }
}
