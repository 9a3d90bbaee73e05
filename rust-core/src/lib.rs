//! Cảnh Giác core: normalise Vietnamese phone numbers, keep the reported
//! list and the user's own lists in SQLite, classify incoming calls with
//! reasons a person understands, and build the `LD <number> <content>`
//! report to the 156 hotline. Exported to Kotlin through uniffi.
//!
//! One concern per module, all private: `number`, `store`, `import`,
//! `classify`, `report`, `feed` (the signed format), `sync` (the client),
//! `follow` (the follow link a publisher shows);
//! `api` is the exported facade (`CallGuard`). What other crates use is
//! re-exported below; the publisher's tools are in `publisher`, built only
//! with the `publisher` feature (the CLI's), so that the phone's library
//! holds only what a phone runs.

uniffi::setup_scaffolding!();

mod api;
mod backup;
mod classify;
mod csv_lines;
mod dates;
mod error;
mod feed;
mod follow;
mod import;
#[cfg(feature = "publisher")]
mod inbox;
mod model;
mod number;
mod report;
mod store;
mod sync;
mod text;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use api::{
    CallGuard, FeedStatus, FeedSync, GuardConfig, Health, NewFeed, SyncLimits, default_config,
};
pub use backup::{BackupProgress, RestoreSummary};
pub use classify::{CallFacts, Policy, Reason, ReasonCode, ReportInfo, Verdict, Verification};
pub use dates::{format_day, format_time, now_unix};
pub use error::{CanhGiacError, Error, Result};
pub use follow::{
    FollowLink, FollowLinkError, MAX_LINK_BYTES, MAX_LINK_KEYS, key_fingerprint, parse_follow_link,
};
pub use import::{ImportSummary, RejectedRow};
pub use model::{Action, Category, Level, Reported, Target};
pub use number::{NumberKind, PhoneNumber, Plan, normalize};
pub use report::{Report, ReportKind, ReportRequest, ReportTarget, SmsEncoding};
pub use store::{DEFAULT_FEED, HistoryEntry, ListEntry, MAX_FEEDS, OutboxEntry, Stats, UserList};
pub use sync::{SyncOutcome, SyncPath, SyncProgress, SyncStage, human_bytes};
pub use text::{Lang, Text};

/// What a list publisher runs: keys, building and checking a feed folder,
/// the hotline inbox.
#[cfg(feature = "publisher")]
pub mod publisher {
    pub use crate::feed::codec::{Delta, EntrySet, encode_delta, encode_snapshot};
    pub use crate::feed::publish::{
        Built, DEFAULT_KEEP_DELTAS, GRACE_SECS, Options, RESIGN_BEFORE_SECS, build, build_after,
        build_on, build_step, build_with, check, current, current_since,
    };
    pub use crate::feed::{
        MANIFEST_FILE, Manifest, generate_key, key_id, parse_public_key, parse_secret_key,
        secret_key_text, sign, verify,
    };
    pub use crate::import::{Parsed, parse_csv};
    // The hotline inbox → the list: what people text to 156 read back,
    // the publisher database, ingest, sources, disputes, aggregation.
    pub use crate::inbox::{
        Aggregate, AllowedSenders, AuditCounts, Batch, BatchError, Change,
        DEFAULT_GUARD_MIN_ENTRIES, DEFAULT_MAX_CHANGED_PERCENT, DEFAULT_MAX_DROP_PERCENT,
        DEFAULT_MAX_GAIN_PERCENT, DecideMode, Decision, Dispute, DisputeDecision, Evidence,
        HeldNumber, Hold, INBOX_HEADER, InboxFormat, IngestOptions, IngestSummary, Keyword,
        LabelCount, ListedEntry, ListingPolicy, MAX_BATCH, NotListed, Outcome, ParsedSms, Pending,
        Protected, Provenance, PublishCounts, PublishRequest, Published, PublisherDb, RefusedSms,
        SOURCE_HEADER, Sender, SmsCategory, SourceCategory, SourceSummary, add_source, approve,
        audit_log, audit_of, decide_dispute, dispute, disputes, held, ingest, ingest_batches,
        parse_body, prepare_publish, reject, tolerance,
    };
    // Days as the publisher names them (`--as-of`), in Vietnam's time.
    pub use crate::dates::{parse_day, today};

    /// What the operator's desk reads, and its operators and sessions.
    pub mod desk {
        pub use crate::inbox::{
            Counts, DayCount, HeldEvidence, IngestRow, Key, NumberDay, NumberView, PublishRow,
            ReviewRow, Session, add_operator, close_session, disputes_in, held_page,
            last_report_day, note_refusal, number_view, open_session, operator_hash,
            policy_window_days, recent_ingests, recent_publishes, refusals_since_last_publish,
            reports_by_day, session, top_labels,
        };
    }
}
