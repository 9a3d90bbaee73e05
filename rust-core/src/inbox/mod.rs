//! The publisher's side of the hotline: what people send to 156 or 5656
//! (`LD <number> <content>`, `V …`, `S <sender> …`), read back into the
//! reported number, the category and the content (`parse`); read from the
//! gateway's export (`read`), weighed only when a person sent them
//! (`reporter`), and kept in the publisher's own database with the
//! reporter as a keyed hash only (`db`, `ingest`), with curated sources
//! (`sources`, their text bounded by `curated`), protected numbers and
//! disputes (`disputes`); and turned into the list, one decision per number
//! (`aggregate`), each rule where its name says: the policy's values
//! (`policy`), reading the window's evidence (`evidence`), weighing people
//! (`people`), the caps on senders (`abuse`), the review queue
//! (`review`) and what an operator types for it (`operator`), the scam patterns (`labels`), what a publish reports
//! (`report`) and the audit log of every change (`audit`); what the
//! operator's desk reads (`desk_read`) and its operators and sessions
//! (`operators`); published all
//! or nothing (`publish`), never when the list changed too much at once
//! (`guard`), old reports reduced to what a decision needs (`retention`).
//! The reporter key lives outside the database (`reporter_key`).

mod abuse;
mod aggregate;
mod audit;
mod curated;
mod db;
mod desk_read;
mod disputes;
mod evidence;
mod guard;
mod ingest;
mod labels;
mod operator;
mod operators;
mod parse;
mod people;
mod policy;
mod publish;
mod read;
mod report;
mod reporter;
mod reporter_key;
mod retention;
mod review;
mod sources;

pub use audit::{AuditCounts, audit_log, audit_of};
pub use db::PublisherDb;
pub use desk_read::{
    Counts, DayCount, HeldEvidence, IngestRow, Key, NumberDay, NumberView, PublishRow, ReviewRow,
    disputes_in, held_page, last_report_day, number_view, policy_window_days, recent_ingests,
    recent_publishes, refusals_since_last_publish, reports_by_day, top_labels,
};
pub use disputes::{Dispute, DisputeDecision, decide_dispute, dispute, disputes};
pub use guard::{Change, note_refusal, tolerance};
pub use ingest::{IngestOptions, IngestSummary, Outcome, ingest, ingest_batches};
pub use operators::{Session, add_operator, close_session, open_session, operator_hash, session};
pub use parse::{Keyword, ParsedSms, RefusedSms, Sender, SmsCategory, parse_body};
pub use policy::{
    DEFAULT_GUARD_MIN_ENTRIES, DEFAULT_MAX_CHANGED_PERCENT, DEFAULT_MAX_DROP_PERCENT,
    DEFAULT_MAX_GAIN_PERCENT, ListingPolicy,
};
pub use publish::{Pending, PublishRequest, Published, prepare_publish};
pub use read::{Batch, BatchError, INBOX_HEADER, InboxFormat, MAX_BATCH};
// The fuzz target `inbox` reads exports as `reports ingest` does.
#[cfg(feature = "fuzzing")]
pub(crate) use read::read_inbox;
pub use report::{
    Aggregate, Evidence, LabelCount, ListedEntry, NotListed, Provenance, PublishCounts,
};
pub use reporter::AllowedSenders;
pub use review::{Decision, HeldNumber, Hold, approve, held, reject};
pub use sources::{Protected, SOURCE_HEADER, SourceCategory, SourceSummary, add_source};

#[cfg(test)]
mod tests;
