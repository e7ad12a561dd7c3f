// Stands in for @matrix-org/matrix-sdk-crypto-nodejs, whose install step downloads a binary (no internet here).
// matrix-bot-sdk and matrix-appservice-bridge load it eagerly but use it only for end-to-end encryption, which the
// appservice tests don't turn on.
module.exports = {};
