-- Events are read with the client transaction that sent them (for unsigned.transaction_id): without this index
-- every event read scanned the whole transaction table, which grows with every message ever sent.
CREATE INDEX event_txn_ids_event ON event_txn_ids (event_id);
