// The page's frame: top bar (room name, who the viewer is, gallery, notifications, log in/out), the channel list
// (the event channel first, then the artists' channels) and the room area.

import { el, button, clear } from "../dom";
import type { Channel } from "../channels";

export interface LayoutCallbacks {
  openChannel(channel: Channel): void;
  openGallery(): void;
  enableNotifications(): void;
  logIn(): void;
  logOut(): void;
}

export class Layout {
  readonly root: HTMLElement;
  readonly roomName = el("h1", { class: "room-name", "data-testid": "room-name" });
  readonly topic = el("p", { class: "topic", "data-testid": "room-topic" });
  readonly notice = el("div", { class: "notice", "data-testid": "notice", role: "status", hidden: "" });
  readonly roomArea = el("main", { class: "room", "data-testid": "room" });
  readonly composerSlot = el("div", { class: "composer-slot" });
  /** Below the channel list: the logged-in user's private rooms. */
  readonly navExtra = el("div", { class: "nav-extra" });
  /** In the room header: the open room's encryption badge or opt-in. */
  readonly roomTools = el("div", { class: "room-tools" });
  private readonly channelList = el("ul", { class: "channel-list", "data-testid": "channel-list" });
  private readonly nav = el("nav", { class: "channels", "data-testid": "channels", "aria-label": "Channels" });
  private readonly who = el("span", { class: "whoami", "data-testid": "whoami" });
  private readonly account = el("span", { class: "account" });
  private noticeTimer: number | undefined;

  constructor(private readonly callbacks: LayoutCallbacks, title: string) {
    const toggle = button("☰", "channels-toggle", () => this.nav.classList.toggle("open"), "menu-toggle");
    toggle.setAttribute("aria-label", "Channels");
    const bell = button("Alerts", "notifications-enable", () => callbacks.enableNotifications(), "icon");
    bell.setAttribute("aria-label", "Enable notifications for mentions");
    const gallery = button("Gallery", "gallery-open", () => callbacks.openGallery(), "tool");
    this.nav.append(el("h2", { class: "event-title", "data-testid": "event-title" }, title), this.channelList, this.navExtra);
    this.roomArea.append(
      el("div", { class: "room-header" }, this.roomName, this.topic, this.roomTools),
      this.notice,
      this.composerSlot,
    );
    this.root = el(
      "div",
      { class: "shell", "data-testid": "shell" },
      el("header", { class: "topbar" }, toggle, el("span", { class: "brand" }, "Live"), this.who, gallery, bell, this.account),
      this.nav,
      this.roomArea,
    );
  }

  /** Puts the timeline (or gallery) between the room header and the composer. */
  mount(...views: HTMLElement[]): void {
    for (const view of views) this.roomArea.insertBefore(view, this.composerSlot);
  }

  showViewer(label: string, isGuest: boolean): void {
    this.who.textContent = label;
    this.account.replaceChildren(
      isGuest
        ? button("Log in", "login-open", () => this.callbacks.logIn(), "tool")
        : button("Log out", "logout", () => this.callbacks.logOut(), "tool"),
    );
  }

  showChannels(channels: Channel[], currentRoomId: string): void {
    clear(this.channelList);
    channels.forEach((channel, index) => {
      const entry = button(channel.name, "channel", () => {
        this.nav.classList.remove("open");
        this.callbacks.openChannel(channel);
      }, channel.roomId === currentRoomId ? "channel current" : "channel");
      entry.dataset.roomId = channel.roomId;
      entry.dataset.kind = index === 0 ? "event" : "artist";
      if (channel.roomId === currentRoomId) entry.setAttribute("aria-current", "true");
      this.channelList.append(el("li", {}, index === 1 ? el("span", { class: "section" }, "Artists") : null, entry));
    });
  }

  /** Closes the channels' drawer of a phone-sized screen. */
  closeChannels(): void {
    this.nav.classList.remove("open");
  }

  showRoom(name: string, topic: string | null): void {
    this.roomName.textContent = name;
    this.topic.textContent = topic ?? "";
    this.topic.hidden = !topic;
  }

  flash(message: string, isError = false): void {
    window.clearTimeout(this.noticeTimer);
    this.notice.hidden = false;
    this.notice.textContent = message;
    this.notice.classList.toggle("error", isError);
    this.noticeTimer = window.setTimeout(() => (this.notice.hidden = true), 6000);
  }
}
