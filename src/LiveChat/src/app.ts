// The client once signed in (as a guest or a user): opens channels, keeps the timeline, composer, rules, gallery and
// read markers in step with /sync.

import {
  ClientEvent, MatrixEventEvent, RoomEvent, RoomMemberEvent, RoomStateEvent, type MatrixClient, type MatrixEvent, type Room,
} from "matrix-js-sdk";
import { Api, roomPath } from "./api";
import { enterRoom, type Channel } from "./channels";
import { hasCrypto, isEncryptedRoom, turnOnEncryption } from "./crypto";
import { el } from "./dom";
import { displayName, rulesOf } from "./liveState";
import { upload } from "./media";
import { runModeration } from "./moderation";
import { askNotificationPermission, mentionsUser, notifyMention } from "./notify";
import { Posting } from "./posting";
import { canTurnOnEncryption, createPrivateRoom, privateRooms } from "./privateRooms";
import { Composer } from "./ui/composer";
import { guestNameForm, showLoginDialog, showRulesDialog } from "./ui/dialogs";
import { GalleryView } from "./ui/gallery";
import { Layout } from "./ui/layout";
import { EncryptionBar, PrivateRoomsPanel } from "./ui/privateRooms";
import type { MessageAction } from "./ui/messageView";
import { TimelineView, visibleMessages, replacements } from "./ui/timeline";
import type { Session } from "./session";

export interface AppHooks {
  logIn(user: string, password: string): Promise<void>;
  logOut(): Promise<void>;
}

const GUEST_NAMED_KEY = "org.homeserver.live.guest_named";

export class LiveApp {
  private readonly layout: Layout;
  private readonly timeline: TimelineView;
  private readonly composer: Composer;
  private readonly gallery: GalleryView;
  private readonly posting: Posting;
  private readonly encryptionBar: EncryptionBar;
  private readonly privatePanel: PrivateRoomsPanel | null = null;
  private channels: Channel[] = [];
  private room: Room | null = null;
  private joined = false;
  private renderQueued = false;
  private lastReadMarker = "";
  private readonly rulesShown = new Set<string>();

  constructor(
    private readonly client: MatrixClient,
    private readonly api: Api,
    private readonly session: Session,
    private readonly hooks: AppHooks,
    title: string,
  ) {
    this.posting = new Posting(client, api);
    this.layout = new Layout({
      openChannel: (channel) => void this.open(channel),
      openGallery: () => this.toggleGallery(true),
      enableNotifications: () => void this.enableNotifications(),
      logIn: () => showLoginDialog((user, password) => this.hooks.logIn(user, password)),
      logOut: () => void this.hooks.logOut(),
    }, title);
    this.timeline = new TimelineView(client, api, (action, event) => void this.onMessageAction(action, event));
    this.composer = new Composer({
      send: (text, replacing) => this.withRoom((room) => this.posting.sendText(room, text, replacing)),
      sendFile: (file) => this.withRoom(async (room) => {
        // Uploads are not encrypted here (no encrypted attachments yet): refused rather than leaked to the server.
        if (isEncryptedRoom(room)) throw new Error("Files cannot be sent in end-to-end encrypted rooms here.");
        await this.posting.send(room, { ...(await upload(client, file)) });
      }),
      lastOwnMessage: () => this.lastOwnMessage(),
      lockEnded: () => this.refreshComposer(),
    });
    this.gallery = new GalleryView(api, (userId) => displayName(client, this.room, userId), () => this.toggleGallery(false));
    this.layout.mount(this.timeline.element, this.gallery.element);
    this.encryptionBar = new EncryptionBar(() => this.withRoom((room) => turnOnEncryption(client, room.roomId)));
    this.layout.roomTools.append(this.encryptionBar.element);
    if (!session.isGuest) {
      this.privatePanel = new PrivateRoomsPanel({
        open: (room) => {
          this.layout.closeChannels();
          void this.open(privateChannel(room.roomId, room.name));
        },
        create: async (request) => {
          const roomId = await createPrivateRoom(client, request);
          void this.open(privateChannel(roomId, request.name.trim() || request.invitee.trim()));
        },
      });
      this.layout.navExtra.append(this.privatePanel.element);
    }
    this.layout.showViewer(session.isGuest ? `Guest (${client.getUser(session.userId)?.displayName ?? "no name yet"})` : session.userId, session.isGuest);
    this.listen();
  }

  get element(): HTMLElement {
    return this.layout.root;
  }

  async start(channels: Channel[]): Promise<void> {
    this.channels = channels;
    await this.open(channels[0]);
  }

  private async open(channel: Channel): Promise<void> {
    // data-room-id says which room is open and ready (tests and styles wait for it).
    delete this.layout.roomArea.dataset.roomId;
    this.layout.showChannels(this.channels, channel.roomId);
    this.layout.showRoom(channel.name, channel.topic);
    this.toggleGallery(false);
    try {
      this.joined = (await enterRoom(this.client, channel.roomId)) === "joined";
    } catch (error) {
      this.layout.flash(`Cannot open ${channel.name}: ${error instanceof Error ? error.message : String(error)}`, true);
      return;
    }
    this.room = this.client.getRoom(channel.roomId) ?? (await this.waitForRoom(channel.roomId));
    this.lastReadMarker = "";
    this.render();
    this.layout.roomArea.dataset.roomId = channel.roomId;
    this.maybeShowRules();
  }

  private waitForRoom(roomId: string): Promise<Room> {
    return new Promise((resolve) => {
      const onRoom = (room: Room): void => {
        if (room.roomId !== roomId) return;
        this.client.off(ClientEvent.Room, onRoom);
        resolve(room);
      };
      this.client.on(ClientEvent.Room, onRoom);
    });
  }

  private listen(): void {
    this.client.on(RoomEvent.Timeline, (event, room, toStartOfTimeline) => {
      if (room?.roomId !== this.room?.roomId) return;
      this.queueRender();
      if (!toStartOfTimeline && event.getType() === "m.room.message") this.maybeNotify(event, room!);
    });
    this.client.on(MatrixEventEvent.Decrypted, (event) => event.getRoomId() === this.room?.roomId && this.queueRender());
    this.client.on(ClientEvent.Room, () => this.queueRender());
    this.client.on(RoomEvent.MyMembership, () => this.queueRender());
    this.client.on(RoomEvent.Name, () => this.queueRender());
    this.client.on(RoomEvent.Redaction, (_event, room) => room.roomId === this.room?.roomId && this.queueRender());
    this.client.on(RoomStateEvent.Events, (event) => {
      if (event.getRoomId() !== this.room?.roomId) return;
      this.queueRender();
      if (event.getType() === "org.homeserver.live.rules") this.maybeShowRules(true);
      if (event.getType() === "m.room.member" && event.getStateKey() === this.session.userId) this.checkMembership();
    });
    this.client.on(RoomEvent.AccountData, (_event, room) => room.roomId === this.room?.roomId && this.queueRender());
    this.client.on(ClientEvent.AccountData, (event) => event.getType() === "m.ignored_user_list" && this.queueRender());
    this.client.on(RoomMemberEvent.Name, () => this.queueRender());
    document.addEventListener("visibilitychange", () => this.markRead());
    window.addEventListener("focus", () => this.markRead());
  }

  private checkMembership(): void {
    const membership = this.room?.getMyMembership();
    if (membership === "ban") this.layout.flash("You were banned from this room.", true);
    if (membership === "leave" || membership === "ban") this.joined = false;
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    this.refreshPrivateRooms();
    const room = this.room;
    if (!room) return;
    this.timeline.render(room, { canPost: this.joined });
    this.refreshComposer();
    this.markRead();
  }

  /** The private rooms' list and the open room's encryption badge or opt-in (never for the event's channels). */
  private refreshPrivateRooms(): void {
    const room = this.room;
    const channelIds = new Set(this.channels.map((channel) => channel.roomId));
    this.privatePanel?.show(privateRooms(this.client, channelIds), room?.roomId ?? null);
    if (!room) return;
    const optIn = !this.session.isGuest && !channelIds.has(room.roomId) && canTurnOnEncryption(room, this.session.userId);
    this.encryptionBar.show(isEncryptedRoom(room) ? "encrypted" : optIn ? "can-turn-on" : "none", hasCrypto(this.client));
  }

  private refreshComposer(): void {
    const room = this.room;
    if (!room) return;
    const slot = this.layout.composerSlot;
    if (this.session.isGuest && this.joined && !this.guestNamed()) {
      if (!slot.querySelector('[data-testid="guest-name-form"]')) {
        slot.replaceChildren(el("p", { class: "muted" }, "Pick a name to chat:"), guestNameForm((name) => this.nameGuest(name)));
      }
      return;
    }
    if (slot.firstChild !== this.composer.element) slot.replaceChildren(this.composer.element);
    this.composer.setLock(this.posting.lockFor(room, this.joined, () => this.showRules()));
  }

  private guestNamed(): boolean {
    return localStorage.getItem(GUEST_NAMED_KEY) === this.session.userId;
  }

  private async nameGuest(name: string): Promise<void> {
    await this.client.setDisplayName(name);
    localStorage.setItem(GUEST_NAMED_KEY, this.session.userId);
    this.layout.showViewer(`Guest (${name})`, true);
    this.refreshComposer();
    this.composer.focus();
    this.maybeShowRules();
  }

  private maybeShowRules(force = false): void {
    const room = this.room;
    if (!room || !this.joined || !this.posting.rulesPending(room)) return;
    // A guest reads first: the rules come when they pick a name to post.
    if (this.session.isGuest && !this.guestNamed()) return;
    if (!force && this.rulesShown.has(room.roomId)) return;
    this.rulesShown.add(room.roomId);
    this.showRules();
  }

  private showRules(): void {
    const room = this.room;
    const rules = room ? rulesOf(room) : null;
    if (!room || !rules) return;
    showRulesDialog(rules, async () => {
      await this.posting.acceptRules(room);
      this.refreshComposer();
    });
  }

  private async withRoom(action: (room: Room) => Promise<void>): Promise<void> {
    const room = this.room;
    if (!room) throw new Error("No room is open.");
    try {
      await action(room);
    } finally {
      this.refreshComposer();
    }
  }

  private lastOwnMessage(): { eventId: string; body: string } | null {
    const room = this.room;
    if (!room) return null;
    const messages = visibleMessages(this.client, room);
    const edits = replacements(room.getLiveTimeline().getEvents());
    for (let index = messages.length - 1; index >= 0; index--) {
      const event = messages[index];
      if (event.getSender() !== this.session.userId || event.getContent().msgtype !== "m.text") continue;
      const content = edits.get(event.getId() ?? "") ?? event.getContent();
      return { eventId: event.getId() ?? "", body: typeof content.body === "string" ? content.body : "" };
    }
    return null;
  }

  private async onMessageAction(action: MessageAction, event: MatrixEvent): Promise<void> {
    const room = this.room;
    if (!room) return;
    if (action === "edit") {
      const content = replacements(room.getLiveTimeline().getEvents()).get(event.getId() ?? "") ?? event.getContent();
      this.composer.startEditing(event.getId() ?? "", typeof content.body === "string" ? content.body : "");
      return;
    }
    try {
      this.layout.flash(await runModeration(this.client, this.api, room, action, event));
    } catch (error) {
      this.layout.flash(error instanceof Error ? error.message : String(error), true);
    }
  }

  private toggleGallery(open: boolean): void {
    this.gallery.element.hidden = !open;
    this.timeline.element.hidden = open;
    if (open && this.room) void this.gallery.open(this.room.roomId);
  }

  private async enableNotifications(): Promise<void> {
    const granted = await askNotificationPermission();
    this.layout.flash(granted ? "You will be notified when someone mentions you." : "Notifications are not allowed.");
  }

  private maybeNotify(event: MatrixEvent, room: Room): void {
    const me = this.session.userId;
    if (event.getSender() === me || !mentionsUser(event, me, room.getMember(me)?.name ?? null)) return;
    const body = event.getContent().body;
    notifyMention(room.name, displayName(this.client, room, event.getSender() ?? ""), typeof body === "string" ? body : "");
  }

  /** POST /rooms/{roomId}/read_markers for the newest message, while the page is visible (not for guests). */
  private markRead(): void {
    const room = this.room;
    if (!room || !this.joined || this.session.isGuest || document.visibilityState !== "visible") return;
    const messages = visibleMessages(this.client, room);
    const newest = messages[messages.length - 1]?.getId();
    if (!newest || newest === this.lastReadMarker || newest.startsWith("~")) return;
    this.lastReadMarker = newest;
    this.api
      .request("POST", roomPath(room.roomId, "/read_markers"), { "m.fully_read": newest, "m.read": newest })
      .catch(() => (this.lastReadMarker = ""));
  }
}

function privateChannel(roomId: string, name: string): Channel {
  return { roomId, name, topic: null, guestCanJoin: false, worldReadable: false, isSpace: false };
}
