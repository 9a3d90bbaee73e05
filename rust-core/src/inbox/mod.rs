//! The publisher's side of the hotline: what people send to 156 or 5656
//! (`LD <number> <content>`, `V …`, `S <sender> …`), read back into the
//! reported number, the category and the content (`parse`); read from the
//! gateway's export (`read`), weighed only when a person sent them
//! (`reporter`), and kept in the publisher's own database with the
//! reporter as a keyed hash only (`db`, `ingest`), with curated sources, disputes and protected numbers
//! (`sources`); and turned into the list, one decision per number, each
//! change of one audited (`aggregate`, with the scam patterns of `labels`).

mod aggregate;
mod db;
mod ingest;
mod labels;
mod parse;
mod read;
mod reporter;
mod sources;

pub use aggregate::{
    Aggregate, AuditCounts, Evidence, LabelCount, ListedEntry, ListingPolicy, NotListed,
    Provenance, PublishCounts, aggregate, audit_log, audit_of,
};
pub use db::PublisherDb;
pub use ingest::{IngestOptions, IngestSummary, ingest};
pub use parse::{Keyword, ParsedSms, RefusedSms, Sender, SmsCategory, parse_body};
pub use read::{INBOX_HEADER, InboxFormat};
pub use reporter::AllowedSenders;
pub use sources::{
    Dispute, Protected, SOURCE_HEADER, SourceCategory, SourceSummary, add_source, dispute, disputes,
};

#[cfg(test)]
mod tests;
