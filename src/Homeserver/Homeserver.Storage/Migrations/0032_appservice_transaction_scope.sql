-- Transaction IDs of requests an appservice makes with its as_token are scoped to the appservice (and the user it
-- acts as), whatever device it names; a user's are scoped to their device. appservice_id is '' for a device's
-- transactions (and another server's to-device messages); device_id is '' for an appservice's.
ALTER TABLE event_txn_ids ADD COLUMN appservice_id text NOT NULL DEFAULT '';
ALTER TABLE event_txn_ids DROP CONSTRAINT event_txn_ids_pkey,
    ADD PRIMARY KEY (user_id, device_id, appservice_id, txn_id);

ALTER TABLE to_device_txns ADD COLUMN appservice_id text NOT NULL DEFAULT '';
ALTER TABLE to_device_txns DROP CONSTRAINT to_device_txns_pkey,
    ADD PRIMARY KEY (user_id, device_id, appservice_id, txn_id);
