//! The publisher's side of the hotline: what people send to 156 or 5656
//! (`LD <number> <content>`, `V …`, `S <sender> …`), read back into the
//! reported number, the category and the content (`parse`); read from the
//! gateway's export (`read`), weighed only when a person sent them
//! (`reporter`), and kept in the publisher's own database with the
//! reporter as a keyed hash only (`db`, `ingest`), with curated sources, disputes and protected numbers
//! (`sources`); and turned into the list, one decision per number, each
//! change of one audited (`aggregate`, with the scam patterns of `labels`);
//! published all or nothing (`publish`), never when the list changed too
//! much at once (`guard`), old reports reduced to what a decision needs
//! (`retention`). The reporter key lives outside the database
//! (`reporter_key`).

mod aggregate;
mod db;
mod guard;
mod ingest;
mod labels;
mod parse;
mod publish;
mod read;
mod reporter;
mod reporter_key;
mod retention;
mod sources;

pub use aggregate::{
    Aggregate, AuditCounts, Evidence, LabelCount, ListedEntry, ListingPolicy, NotListed,
    Provenance, PublishCounts, aggregate, audit_log, audit_of,
};
pub use db::PublisherDb;
pub use guard::{
    Change, DEFAULT_GUARD_MIN_ENTRIES, DEFAULT_MAX_DROP_PERCENT, DEFAULT_MAX_GAIN_PERCENT,
    tolerance,
};
pub use ingest::{IngestOptions, IngestSummary, ingest};
pub use parse::{Keyword, ParsedSms, RefusedSms, Sender, SmsCategory, parse_body};
pub use publish::{Pending, PublishRequest, Published, prepare_publish};
pub use read::{INBOX_HEADER, InboxFormat};
pub use reporter::AllowedSenders;
pub use sources::{
    Dispute, Protected, SOURCE_HEADER, SourceCategory, SourceSummary, add_source, dispute, disputes,
};

#[cfg(test)]
mod tests;
