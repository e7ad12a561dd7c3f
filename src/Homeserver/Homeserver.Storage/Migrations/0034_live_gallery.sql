-- The links and media gallery of rooms (docs/LIVE.md): each timeline event's entries, filled from the event stream
-- by the live_gallery consumer; a redaction deletes its target's rows. Pages read newest event first.
CREATE TABLE live_gallery_items (
    room_id          text NOT NULL,
    stream_ordering  bigint NOT NULL,            -- the event's stream position
    item_index       integer NOT NULL,           -- the entry's place within its event
    event_id         text NOT NULL,
    kind             text NOT NULL,              -- link, image, video, audio, file
    url              text NOT NULL               -- the http(s) link or the mxc:// URI
);
CREATE UNIQUE INDEX live_gallery_items_page ON live_gallery_items (room_id, stream_ordering DESC, item_index);
CREATE INDEX live_gallery_items_links ON live_gallery_items (room_id, stream_ordering DESC, item_index)
    WHERE kind = 'link';
CREATE INDEX live_gallery_items_media ON live_gallery_items (room_id, stream_ordering DESC, item_index)
    WHERE kind <> 'link';
CREATE INDEX live_gallery_items_event ON live_gallery_items (event_id);
