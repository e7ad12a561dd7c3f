-- Federation transactions received (PUT /_matrix/federation/v1/send/{txnId}): the answer given to each, so that a
-- retried transaction gets the same answer without being processed again.
CREATE TABLE received_transactions (
    origin          text   NOT NULL,
    transaction_id  text   NOT NULL,
    response_json   text   NOT NULL,
    received_ts     bigint NOT NULL,
    PRIMARY KEY (origin, transaction_id)
);
CREATE INDEX received_transactions_received_ts ON received_transactions (received_ts);
